package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.meetingbridge.event.EventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A session's writes on a socket of its own (Netty's embedded channel, with the WebSocket
 * encoder the server uses): frames go out as they were written, in order; a client that
 * takes nothing is ended as a slow consumer once too much waits; an end sends its close
 * code.
 */
class StompSessionTests {

	private final List<SessionEnd> ended = new ArrayList<>();

	private final EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));

	private final StompSession session = new StompSession(this.channel, "s1", new LoopWriter(this.channel.eventLoop(),
			new FanoutMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0, () -> 0)), this.ended::add);

	@Test
	void framesGoOutWholeAndInOrder() {
		this.session.send(StompFrames.receipt("r1"));
		assertThat(this.session
			.write(StompFrames.webSocketFrame(this.channel.alloc(), "MESSAGE".getBytes(), new byte[] { 0 }))).isTrue();
		this.session.flushed();
		assertThat(payload(this.channel.readOutbound())).isEqualTo("RECEIPT\nreceipt-id:r1\n\n\0");
		assertThat(payload(this.channel.readOutbound())).isEqualTo("MESSAGE\0");
		assertThat(this.ended).isEmpty();
	}

	@Test
	void aSubscriberWhoseFrameCannotBeWrittenIsClosedWithResyncAndTheOthersStillGetTheEvent() {
		List<SessionEnd> brokenEnded = new ArrayList<>();
		EmbeddedChannel brokenChannel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
		brokenChannel.config().setAllocator(new AbstractByteBufAllocator(false) {
			@Override
			protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
				return Unpooled.buffer(initialCapacity, maxCapacity);
			}

			@Override
			protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
				throw new IllegalStateException("no memory for this socket");
			}

			@Override
			public boolean isDirectBufferPooled() {
				return false;
			}
		});
		StompSession broken = new StompSession(brokenChannel, "s2", this.session.writer(), brokenEnded::add);
		Subscription healthy = new Subscription(this.session, "sub-1", "m1", EventType.CHAT_MESSAGE,
				Set.of(new Ground.Server("m1")), List.of());
		Subscription failing = new Subscription(broken, "sub-2", "m1", EventType.CHAT_MESSAGE,
				Set.of(new Ground.Server("m1")), List.of());
		this.session.writer().submit(delivery("m1-1", List.of(failing, healthy)));
		this.channel.runPendingTasks();
		assertThat(payload(this.channel.readOutbound())).contains("message-id:m1-1\nsubscription:sub-1");
		assertThat(brokenEnded).containsExactly(SessionEnd.RESYNC);
		this.session.writer().submit(delivery("m1-2", List.of(healthy)));
		this.channel.runPendingTasks();
		assertThat(payload(this.channel.readOutbound())).contains("message-id:m1-2\nsubscription:sub-1");
		assertThat(this.ended).isEmpty();
	}

	@Test
	void aFanOutThatFailsHalfWayEndsTheSessionsItCannotBeSureOfAndLaterEventsGoOut() {
		Subscription subscription = new Subscription(this.session, "sub-1", "m1", EventType.CHAT_MESSAGE,
				Set.of(new Ground.Server("m1")), List.of());
		List<Subscription> failing = new AbstractList<>() {
			@Override
			public Subscription get(int index) {
				if (index == 1) {
					throw new IllegalStateException("the second subscriber cannot be reached");
				}
				return subscription;
			}

			@Override
			public int size() {
				return 2;
			}
		};
		this.session.writer().submit(delivery("m1-1", failing));
		this.channel.runPendingTasks();
		assertThat(payload(this.channel.readOutbound())).contains("message-id:m1-1\nsubscription:sub-1");
		assertThat(this.ended).containsExactly(SessionEnd.RESYNC);
	}

	private static LoopWriter.Delivery delivery(String messageId, List<Subscription> subscriptions) {
		return new LoopWriter.Delivery(StompFrames.message("/topic/meetings/m1/chat-message", messageId, "{}"),
				subscriptions, EventType.CHAT_MESSAGE, "2026-12-01T00:00:00Z",
				new FanoutMetrics.Shares(System.nanoTime(), 1));
	}

	@Test
	void aClientThatLetsMoreThanHalfAMebibytePileUpIsEndedAsASlowConsumer() {
		byte[] kibibyte = new byte[1024];
		int written = 0;
		while (this.session.write(StompFrames.webSocketFrame(this.channel.alloc(), kibibyte))) {
			written++;
			assertThat(written).isLessThan(1024);
		}
		// Netty counts some overhead per waiting frame on top of its bytes.
		assertThat(written * 1024).isGreaterThan(StompSession.HIGH_WATER * 3 / 4);
		assertThat(this.ended).containsExactly(SessionEnd.SLOW_CONSUMER);
		assertThat(this.session.isOpen()).isFalse();
	}

	@Test
	void anEndSendsItsCloseCodeAndReasonThenClosesOnlyOnce() {
		this.session.end(SessionEnd.RESYNC);
		this.session.end(SessionEnd.HEARTBEAT);
		ByteBuf close = this.channel.readOutbound();
		assertThat(close.getUnsignedByte(0)).isEqualTo((short) 0x88);
		assertThat(close.getUnsignedShort(2)).isEqualTo(4000);
		assertThat(close.toString(4, close.readableBytes() - 4, StandardCharsets.UTF_8)).isEqualTo("resync");
		close.release();
		assertThat(this.channel.isOpen()).isFalse();
		assertThat(this.ended).containsExactly(SessionEnd.RESYNC);
		assertThat(this.session.ended()).isEqualTo(SessionEnd.RESYNC);
	}

	/** The text of a server frame of less than 126 bytes (2 bytes of header). */
	private static String payload(ByteBuf frame) {
		try {
			assertThat(frame.getUnsignedByte(0)).isEqualTo((short) 0x81);
			return frame.toString(2, frame.readableBytes() - 2, StandardCharsets.UTF_8);
		}
		finally {
			frame.release();
		}
	}

}
