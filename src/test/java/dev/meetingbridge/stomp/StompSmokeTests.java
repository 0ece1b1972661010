package dev.meetingbridge.stomp;

import java.time.Duration;
import java.util.Map;

import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.StompTestClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StompSmokeTests extends IntegrationTest {

	@Test
	void aMemberSeesJoinsOfItsMeeting() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		try (StompTestClient client = stomp(tokens.participant(alice))) {
			var joined = client.subscribe("/topic/meetings/" + meeting + "/participant-joined");
			fixtures.join(meeting, "bob");
			await().atMost(Duration.ofSeconds(10)).until(() -> joined.size() == 1);
			assertThat(joined.messages().get(0).path("participant").path("id").asString()).isEqualTo("bob");
			var errors = client.subscribe("/user/queue/errors");
			client.send("/app/meetings/" + meeting + "/join", Map.of("displayName", ""));
			await().atMost(Duration.ofSeconds(10)).until(() -> errors.size() == 1);
			assertThat(errors.messages().get(0).path("code").asString()).isEqualTo("validation-failed");
			client.subscribe("/topic/meetings/other/participant-joined");
			await().atMost(Duration.ofSeconds(10)).until(() -> !client.errorFrames().isEmpty());
			assertThat(client.errorFrames().get(0)).startsWith("forbidden");
		}
	}

}
