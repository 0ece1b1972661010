package dev.meetingbridge.web;

import java.util.UUID;

import dev.meetingbridge.idempotency.Idempotency;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the {@code Idempotency-Key} tests share: a meeting connected to another, keyed
 * clients, the key the bridge derives, and what a replayed answer looks like.
 */
abstract class IdempotencyFixture extends IntegrationTest {

	/** Meeting {@code here} (member alice) connected to {@code there}. */
	Pair connectedMeetings() {
		String alice = fixtures.participant("alice");
		String here = fixtures.activeMeetingWith(alice);
		String there = fixtures.activeMeetingWith(fixtures.participant("bob"));
		return new Pair(alice, here, there, fixtures.connect(here, there));
	}

	record Pair(String alice, String here, String there, String connection) {
	}

	/** The server's client, with a fresh key. */
	Api keyed() {
		return keyed(tokens.server());
	}

	Api keyed(String token) {
		return api.as(token).with(Idempotency.HEADER, UUID.randomUUID().toString());
	}

	/** The key of the server token's request without a body, as the bridge derives it. */
	static Idempotency serverKey(String key, String path) {
		return Idempotency.of(key, BridgePrincipal.server("server").subject(), "POST", path, "");
	}

	/** The first answer succeeded; a repeat (if any) is the same answer, replayed. */
	static void assertReplayed(Api.Response first, Api.Response repeat, int status) {
		assertThat(first.status()).as(first.toString()).isEqualTo(status);
		assertThat(first.header(ReplayedAnswers.HEADER)).isNull();
		if (repeat != null) {
			assertThat(repeat.status()).as(repeat.toString()).isEqualTo(status);
			assertThat(repeat.text()).isEqualTo(first.text());
			assertThat(repeat.header(ReplayedAnswers.HEADER)).isEqualTo("true");
		}
	}

}
