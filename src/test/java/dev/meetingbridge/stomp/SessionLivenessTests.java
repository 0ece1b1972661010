package dev.meetingbridge.stomp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RawWebSocket;
import dev.meetingbridge.support.StompTestClient;
import dev.meetingbridge.support.StompTestClient.Received;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.messaging.simp.stomp.StompHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bridge ends sessions whose client is gone or never arrived: a client that goes
 * silent with its TCP connection open (a phone that lost its network sends no FIN), with
 * heart-beats or without, and WebSockets that never send CONNECT. Well-behaved clients
 * next to them are left alone. An instance of its own with a 1 s heart-beat, a 1 s grace
 * and a 2 s connect timeout.
 */
class SessionLivenessTests extends IntegrationTest {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private static BridgeInstance bridge;

	@BeforeAll
	static void startInstance() {
		bridge = BridgeInstance.start("bridge.stomp.heartbeat=1s", "bridge.presence.grace=1s",
				"bridge.stomp.connect-timeout=2s");
	}

	@AfterAll
	static void stopInstance() {
		if (bridge != null) {
			bridge.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "1000,1000", "0,0" })
	void aClientThatGoesSilentIsClosedAndItsSessionBoundParticipantLeaves(String heartbeat) throws IOException {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith();
		double closedBefore = closed("heartbeat");
		try (RawWebSocket silent = RawWebSocket.open(bridge.port(), 0)) {
			silent.sendText("CONNECT\naccept-version:1.2\nheart-beat:" + heartbeat + "\nAuthorization:Bearer "
					+ tokens.participant(alice) + "\n\n\0");
			silent.readUntil("CONNECTED");
			silent.sendText("SEND\ndestination:/app/meetings/" + meeting
					+ "/join\ncontent-type:application/json\n\n{\"displayName\":\"Alice\"}\0");
			await().atMost(BOUND).until(() -> participants(meeting).contains(alice));

			// From here on the client neither writes nor reads (nor answers pings).
			await().atMost(BOUND).until(() -> !participants(meeting).contains(alice));
			assertThat(events(meeting, "participant-left")).singleElement()
				.satisfies((left) -> assertThat(left.path("reason").asString()).isEqualTo("disconnected"));
			assertThat(closed("heartbeat")).isEqualTo(closedBefore + 1);

			String rest = silent.readToTheEnd(BOUND);
			assertThat(rest).as("the server ended the connection").endsWith(RawWebSocket.END);
			if (heartbeat.equals("0,0")) {
				assertThat(rest).as("it was pinged before").contains("\u0089\u0000");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "1000,1000", "0,0" })
	void aClientThatHeartBeatsOrAnswersPingsStaysConnectedWhileIdle(String heartbeat) {
		StompHeaders headers = new StompHeaders();
		headers.add("Authorization", "Bearer " + tokens.server());
		headers.add("heart-beat", heartbeat);
		String meeting = fixtures.activeMeetingWith();
		try (StompTestClient client = StompTestClient.connect("ws://localhost:" + bridge.port() + "/ws", headers)) {
			Received joins = client.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			// Five heart-beat intervals without a frame from the client: more than three.
			await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(client::connected);
			fixtures.join(meeting, fixtures.participant("bob"));
			await().until(() -> joins.size() == 1);
		}
	}

	@Test
	void webSocketsThatNeverConnectAreClosedWhileAConnectedSessionKeepsReceiving() throws IOException {
		String meeting = fixtures.activeMeetingWith();
		double closedBefore = closed("connect-timeout");
		List<RawWebSocket> crowd = new ArrayList<>();
		try (StompTestClient client = bridge.stomp(tokens.server())) {
			Received joins = client.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			for (int i = 0; i < 200; i++) {
				crowd.add(RawWebSocket.open(bridge.port(), 0));
			}
			for (RawWebSocket socket : crowd) {
				assertThat(socket.drainsToTheEnd(BOUND)).as("closed by the bridge").isTrue();
			}
			assertThat(closed("connect-timeout")).isGreaterThanOrEqualTo(closedBefore + 200);
			fixtures.join(meeting, fixtures.participant("bob"));
			await().until(() -> joins.size() == 1);
			assertThat(client.connected()).isTrue();
		}
		finally {
			for (RawWebSocket socket : crowd) {
				socket.close();
			}
		}
	}

	private List<String> participants(String meeting) {
		return ids(api.get("/api/meetings/" + meeting + "/participants").json().path("participants"));
	}

	private static double closed(String reason) {
		return bridge.bean(MeterRegistry.class).counter("bridge.stomp.sessions.closed", "reason", reason).count();
	}

}
