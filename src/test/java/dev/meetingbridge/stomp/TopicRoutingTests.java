package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.meetingbridge.event.BridgeEvent;
import dev.meetingbridge.event.EventRelay;
import dev.meetingbridge.event.EventType;
import dev.meetingbridge.event.ReceivedEvent;
import dev.meetingbridge.meeting.LeaveReason;
import dev.meetingbridge.meeting.Participant;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.security.AccessRules;
import dev.meetingbridge.security.BridgePrincipal;
import dev.meetingbridge.security.ReadGrounds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The fan-out's registration, routing and live authority, without Redis: events handed
 * over by the relay (a stand-in that only records who listens) reach each local
 * subscription of their topic once, as a whole frame with its own {@code subscription}
 * header, written on the subscriber's socket (Netty's embedded channels); a leave takes
 * the leaver's grounds away after its own event; the meeting is listened to while a
 * subscription holds it.
 */
class TopicRoutingTests {

	private final EventRelay relay = mock(EventRelay.class);

	private final StompSessions sessions = new StompSessions(this.relay, new SimpleMeterRegistry());

	private final AccessRules access = mock(AccessRules.class);

	private final TopicSubscriptions topics = new TopicSubscriptions(new MeetingHolds(this.relay, this.sessions),
			this.access);

	private final EmbeddedChannel aliceSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));

	private final EmbeddedChannel bobSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));

	private EventRelay.Listener meeting;

	private long sequence;

	@BeforeEach
	void twoMembersSubscribed() {
		this.sessions.opened(this.aliceSocket, "alice-session");
		this.sessions.opened(this.bobSocket, "bob-session");
		subscribe("alice-session", "a-joined", EventType.PARTICIPANT_JOINED, "alice");
		subscribe("alice-session", "a-left", EventType.PARTICIPANT_LEFT, "alice");
		subscribe("bob-session", "b-joined", EventType.PARTICIPANT_JOINED, "bob");
		ArgumentCaptor<EventRelay.Listener> listener = ArgumentCaptor.forClass(EventRelay.Listener.class);
		verify(this.relay).listen(eq("m"), listener.capture());
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
		assertThat(session("alice-session").subscriptions().topicIds()).isEmpty();
		assertThat(session("bob-session").subscriptions().topicIds()).containsOnly("b-joined");
	}

	@Test
	void aSubscriptionMadeAfterEventsWentOutReceivesTheNextOnes() {
		this.meeting.onEvent(joined("carol"));
		EmbeddedChannel carolSocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
		this.sessions.opened(carolSocket, "carol-session");
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
		session("bob-session").subscriptions().end("b-joined");
		this.sessions.closed("alice-session");
		this.meeting.onEvent(joined("erin"));
		assertThat(frames(this.aliceSocket)).isEmpty();
		assertThat(frames(this.bobSocket)).isEmpty();
	}

	@Test
	void theMeetingIsListenedToOnceAndLetGoWhenItsLastSubscriptionEnds() {
		this.sessions.closed("alice-session");
		verify(this.relay, never()).unlisten(eq("m"), any());
		session("bob-session").subscriptions().end("b-joined");
		verify(this.relay).unlisten("m", this.meeting);
		verify(this.relay).listen(eq("m"), any());
	}

	@Test
	void aRefusedSubscriptionLetsGoOfTheMeeting() {
		this.sessions.closed("alice-session");
		this.sessions.closed("bob-session");
		EmbeddedChannel mallorySocket = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
		this.sessions.opened(mallorySocket, "mallory-session");
		given(this.access.readGrounds(any(), eq("m"))).willReturn(new ReadGrounds(false, false, Map.of()));
		assertThatExceptionOfType(BridgeException.class).isThrownBy(() -> this.topics
			.subscribe(session("mallory-session"), "x", participant("mallory"), "m", EventType.PARTICIPANT_JOINED));
		assertThat(session("mallory-session").subscriptions().topicIds()).isEmpty();
		verify(this.relay, times(2)).unlisten(eq("m"), any());
	}

	private void subscribe(String sessionId, String subscriptionId, EventType type, String participantId) {
		given(this.access.readGrounds(any(), eq("m"))).willReturn(new ReadGrounds(false, true, Map.of()));
		this.topics.subscribe(session(sessionId), subscriptionId, participant(participantId), "m", type);
		assertThat(session(sessionId).subscriptions().topicIds()).contains(subscriptionId);
	}

	private StompSession session(String sessionId) {
		return this.sessions.all()
			.stream()
			.filter((session) -> session.id().equals(sessionId))
			.findFirst()
			.orElseThrow();
	}

	private static BridgePrincipal participant(String participantId) {
		return new BridgePrincipal(participantId, false, Set.of(), null);
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
