package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.meetingbridge.event.BridgeEvent;
import dev.meetingbridge.event.EventRelay;
import dev.meetingbridge.event.EventType;
import dev.meetingbridge.event.ReceivedEvent;
import dev.meetingbridge.meeting.LeaveReason;
import dev.meetingbridge.meeting.Participant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

/**
 * The fan-out's routing and live authority, without Redis: events handed over by the
 * relay (a stand-in that only records who listens) reach each local subscription of their
 * topic once, as a whole frame with its own {@code subscription} header, written on the
 * subscriber's socket (Netty's embedded channels); a leave takes the leaver's grounds
 * away after its own event.
 */
class TopicFanoutTests {

	private final EventRelay relay = mock(EventRelay.class);

	private final TopicFanout fanout = new TopicFanout(this.relay, new SimpleMeterRegistry());

	private final EmbeddedChannel aliceSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));

	private final EmbeddedChannel bobSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));

	private EventRelay.Listener meeting;

	private long sequence;

	@BeforeEach
	void twoMembersSubscribed() {
		this.fanout.sessionOpened(this.aliceSocket, "alice-session");
		this.fanout.sessionOpened(this.bobSocket, "bob-session");
		subscribe("alice-session", "a-joined", EventType.PARTICIPANT_JOINED, "alice");
		subscribe("alice-session", "a-left", EventType.PARTICIPANT_LEFT, "alice");
		subscribe("bob-session", "b-joined", EventType.PARTICIPANT_JOINED, "bob");
		ArgumentCaptor<EventRelay.Listener> listener = ArgumentCaptor.forClass(EventRelay.Listener.class);
		verify(this.relay, org.mockito.Mockito.atLeastOnce()).listen(eq("m"), listener.capture());
		this.meeting = listener.getValue();
	}

	@Test
	void anEventReachesEverySubscriptionOfItsTopicOnceWithItsOwnSubscriptionHeader() {
		this.meeting.onEvent(joined("carol"));
		assertThat(frames(this.aliceSocket)).singleElement()
			.satisfies((frame) -> assertThat(frame)
				.startsWith("MESSAGE\ndestination:/topic/meetings/m/participant-joined\n")
				.contains("\nmessage-id:m-1\nsubscription:a-joined\n\n")
				.endsWith("\"id\":\"carol\"}}\0"));
		assertThat(frames(this.bobSocket)).singleElement().asString().contains("\nsubscription:b-joined\n");
	}

	@Test
	void aLeaverGetsItsOwnLeaveAndNothingAfterIt() {
		this.meeting.onEvent(joined("carol"));
		assertThat(frames(this.aliceSocket)).singleElement().asString().contains("subscription:a-joined");
		assertThat(frames(this.bobSocket)).singleElement().asString().contains("subscription:b-joined");
		this.meeting.onEvent(left("alice"));
		assertThat(frames(this.aliceSocket)).singleElement().asString().contains("subscription:a-left");
		this.meeting.onEvent(joined("dave"));
		assertThat(frames(this.aliceSocket)).isEmpty();
		assertThat(frames(this.bobSocket)).singleElement().asString().contains("\"id\":\"dave\"");
		assertThat(this.fanout.session("alice-session").subscriptions()).isEmpty();
		assertThat(this.fanout.session("bob-session").subscriptions()).containsOnlyKeys("b-joined");
	}

	@Test
	void aSubscriptionMadeAfterEventsWentOutReceivesTheNextOnes() {
		this.meeting.onEvent(joined("carol"));
		EmbeddedChannel carolSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
		this.fanout.sessionOpened(carolSocket, "carol-session");
		subscribe("carol-session", "c-joined", EventType.PARTICIPANT_JOINED, "carol");
		this.meeting.onEvent(joined("dave"));
		assertThat(frames(carolSocket)).singleElement().asString().contains("subscription:c-joined").contains("dave");
		assertThat(frames(this.aliceSocket)).hasSize(2);
		assertThat(frames(this.bobSocket)).hasSize(2);
	}

	@Test
	void anUnsubscribedOrClosedSessionReceivesNothingMore() {
		this.meeting.onEvent(joined("carol"));
		assertThat(frames(this.aliceSocket)).singleElement().asString().contains("carol");
		assertThat(frames(this.bobSocket)).singleElement().asString().contains("carol");
		this.fanout.unsubscribe("bob-session", "b-joined");
		this.fanout.sessionClosed("alice-session");
		this.meeting.onEvent(joined("erin"));
		assertThat(frames(this.aliceSocket)).isEmpty();
		assertThat(frames(this.bobSocket)).isEmpty();
	}

	private void subscribe(String sessionId, String subscriptionId, EventType type, String participantId) {
		this.fanout.hold("m");
		Set<Ground> grounds = Set.of(new Ground.Member("m", participantId));
		assertThat(this.fanout.register(sessionId, subscriptionId, "m", type, grounds, () -> grounds))
			.isEqualTo(TopicFanout.Registration.LIVE);
	}

	private ReceivedEvent joined(String participantId) {
		long next = ++this.sequence;
		Participant participant = new Participant(participantId, participantId, "2026-12-01T12:00:00Z");
		String json = "{\"type\":\"participant-joined\",\"meetingId\":\"m\",\"sequence\":" + next
				+ ",\"participant\":{\"id\":\"" + participantId + "\"}}";
		return new ReceivedEvent(new BridgeEvent.ParticipantJoined("participant-joined", "m", "e1", next,
				"2026-12-01T12:00:00Z", participant, null), EventType.PARTICIPANT_JOINED, json, System.nanoTime());
	}

	private ReceivedEvent left(String participantId) {
		long next = ++this.sequence;
		Participant participant = new Participant(participantId, participantId, "2026-12-01T12:00:00Z");
		String json = "{\"type\":\"participant-left\",\"meetingId\":\"m\",\"sequence\":" + next + "}";
		return new ReceivedEvent(new BridgeEvent.ParticipantLeft("participant-left", "m", "e1", next,
				"2026-12-01T12:00:00Z", participant, LeaveReason.LEFT, null), EventType.PARTICIPANT_LEFT, json,
				System.nanoTime());
	}

	/**
	 * What was written to the socket so far, as STOMP frames (each in one small WebSocket
	 * text frame).
	 */
	private static List<String> frames(EmbeddedChannel socket) {
		socket.runPendingTasks();
		List<String> frames = new ArrayList<>();
		for (ByteBuf frame = socket.readOutbound(); frame != null; frame = socket.readOutbound()) {
			int header = (frame.getUnsignedByte(1) < 126) ? 2 : 4;
			frames.add(frame.toString(header, frame.readableBytes() - header, StandardCharsets.UTF_8));
			frame.release();
		}
		return frames;
	}

}
