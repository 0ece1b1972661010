package dev.meetingbridge.support;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Event topics, matchers and the ordering checks of docs/api.md 'Events'. */
public final class Events {

	/** The six event types, each with its own topic per meeting. */
	public static final List<String> TYPES = List.of("participant-joined", "participant-left", "chat-message",
			"connection-open", "connection-close", "meeting-ended");

	/** ISO-8601 UTC with milliseconds. */
	public static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

	private Events() {
	}

	public static String topic(String meetingId, String type) {
		return "/topic/meetings/" + meetingId + "/" + type;
	}

	/** A participant-joined or participant-left event about this participant. */
	public static Predicate<JsonNode> about(String participantId) {
		return (event) -> participantId.equals(event.path("participant").path("id").asString());
	}

	/** A chat-message event carrying this text. */
	public static Predicate<JsonNode> chat(String text) {
		return (event) -> text.equals(event.path("message").path("message").asString());
	}

	public static long sequence(JsonNode event) {
		return event.path("sequence").asLong();
	}

	/** Every sequence number received on these subscriptions, sorted. */
	public static List<Long> sequences(Collection<StompTestClient.Received> subscriptions) {
		return subscriptions.stream()
			.flatMap((received) -> received.messages().stream())
			.map(Events::sequence)
			.sorted()
			.toList();
	}

	public static int total(Collection<StompTestClient.Received> subscriptions) {
		return subscriptions.stream().mapToInt(StompTestClient.Received::size).sum();
	}

	/** The highest sequence number received on these subscriptions, 0 if none. */
	public static long highest(Collection<StompTestClient.Received> subscriptions) {
		return sequences(subscriptions).stream().mapToLong(Long::longValue).max().orElse(0);
	}

	/**
	 * Checks a subscriber's view of one meeting, subscribed by type: each topic carried
	 * only its own type of that meeting's events, in increasing sequence order, and
	 * together the topics carried every sequence number from {@code first} to
	 * {@code last} exactly once.
	 */
	public static void assertContiguous(Map<String, StompTestClient.Received> byType, String meetingId, long first,
			long last) {
		assertThat(assertContiguousFrom(byType, meetingId, first)).as("the last sequence number of %s seen", meetingId)
			.isEqualTo(last);
	}

	/**
	 * As {@link #assertContiguous}, up to whatever arrived so far; returns the last
	 * sequence number seen ({@code first - 1} if none).
	 */
	public static long assertContiguousFrom(Map<String, StompTestClient.Received> byType, String meetingId,
			long first) {
		Map<String, List<JsonNode>> snapshot = new LinkedHashMap<>();
		byType.forEach((type, received) -> snapshot.put(type, List.copyOf(received.messages())));
		snapshot.forEach((type, messages) -> {
			String destination = topic(meetingId, type);
			assertThat(messages).as("%s carries only its type of meeting %s", destination, meetingId)
				.allSatisfy((event) -> {
					assertThat(event.path("type").asString()).isEqualTo(type);
					assertThat(event.path("meetingId").asString()).isEqualTo(meetingId);
				});
			assertThat(messages.stream().map(Events::sequence).toList()).as("%s arrives in sequence order", destination)
				.isSorted()
				.doesNotHaveDuplicates();
		});
		List<Long> sequences = snapshot.values().stream().flatMap(List::stream).map(Events::sequence).sorted().toList();
		long last = first - 1 + sequences.size();
		assertThat(sequences).as("sequence numbers across the topics of %s", meetingId)
			.containsExactlyElementsOf(LongStream.rangeClosed(first, last).boxed().toList());
		return last;
	}

}
