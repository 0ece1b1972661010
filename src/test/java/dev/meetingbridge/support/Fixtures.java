package dev.meetingbridge.support;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test data by state: meetings with members, connected pairs. Ids are unique per test.
 */
public final class Fixtures {

	private final Api server;

	private final Tokens tokens;

	Fixtures(Api server, Tokens tokens) {
		this.server = server;
		this.tokens = tokens;
	}

	/** An active meeting whose members joined with their own ids as display names. */
	public String activeMeetingWith(String... participantIds) {
		String meetingId = IntegrationTest.unique("meeting");
		Api.Response created = this.server.post("/api/meetings", Map.of("meetingId", meetingId));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		for (String participantId : participantIds) {
			join(meetingId, participantId);
		}
		return meetingId;
	}

	public void join(String meetingId, String participantId) {
		Api.Response joined = this.server.post("/api/meetings/" + meetingId + "/participants",
				Map.of("participantId", participantId, "displayName", participantId));
		assertThat(joined.status()).as(joined.toString()).isIn(200, 201);
	}

	/** Opens a connection from one meeting to the other and returns its id. */
	public String connect(String meetingId, String otherMeetingId) {
		Api.Response connected = this.server.post("/api/meetings/" + meetingId + "/connections",
				Map.of("meetingId", otherMeetingId, "payload", "hello"));
		assertThat(connected.status()).as(connected.toString()).isIn(200, 201);
		return connected.json().path("id").asString();
	}

	/** A fresh participant id. */
	public String participant(String name) {
		return IntegrationTest.unique(name);
	}

	public Api as(String token) {
		return this.server.as(token);
	}

	public Tokens tokens() {
		return this.tokens;
	}

}
