package dev.meetingbridge.stomp;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The frames the bridge writes, byte for byte: STOMP header escaping and WebSocket
 * framing.
 */
class StompFramesTests {

	@Test
	void headerValuesAreEscapedAsStompOneTwoSays() {
		assertThat(StompFrames.escapeHeader("plain-id_1")).isEqualTo("plain-id_1");
		assertThat(StompFrames.escapeHeader("a:b")).isEqualTo("a\\cb");
		assertThat(StompFrames.escapeHeader("back\\slash")).isEqualTo("back\\\\slash");
		assertThat(StompFrames.escapeHeader("two\nlines\r")).isEqualTo("two\\nlines\\r");
		assertThat(StompFrames.escapeHeader("é:\u00e9")).isEqualTo("é\\c\u00e9");
	}

	@Test
	void aMessageFrameIsTheSameForEverySubscriberButItsSubscriptionHeader() {
		StompFrames.MessageFrame frame = StompFrames.message("/topic/meetings/m/chat-message", "m-7",
				"{\"text\":\"héllo\"}");
		String head = new String(frame.head(), StandardCharsets.UTF_8);
		String tail = new String(frame.tail(), StandardCharsets.UTF_8);
		assertThat(head + "sub:1" + tail).isEqualTo("MESSAGE\ndestination:/topic/meetings/m/chat-message\n"
				+ "content-type:application/json\ncontent-length:17\nmessage-id:m-7\nsubscription:sub:1\n\n"
				+ "{\"text\":\"héllo\"}\0");
	}

	@Test
	void webSocketFramesAreUnmaskedFinalTextFramesWithTheShortestLengthEncoding() {
		assertFrame(125, 2, 125);
		assertFrame(126, 4, 126);
		assertFrame(65_535, 4, 126);
		assertFrame(65_536, 10, 127);
	}

	@Test
	void connectedNamesTheVersionTheHeartBeatsAndTheUser() {
		assertThat(new String(StompFrames.connected(10_000, 10_000, "alice"), StandardCharsets.UTF_8))
			.isEqualTo("CONNECTED\nversion:1.2\nheart-beat:10000,10000\nuser-name:alice\n\n\0");
		assertThat(new String(StompFrames.error("forbidden: no", "r:1"), StandardCharsets.UTF_8))
			.isEqualTo("ERROR\nmessage:forbidden\\c no\nreceipt-id:r\\c1\n\n\0");
		assertThat(new String(
				StompFrames.error("forbidden: no", null, "{\"code\":\"forbidden\"}".getBytes(StandardCharsets.UTF_8)),
				StandardCharsets.UTF_8))
			.isEqualTo("ERROR\nmessage:forbidden\\c no\ncontent-type:application/json\ncontent-length:20\n\n"
					+ "{\"code\":\"forbidden\"}\0");
	}

	private static void assertFrame(int length, int headerLength, int lengthCode) {
		byte[] payload = new byte[length];
		ByteBuf frame = StompFrames.webSocketFrame(ByteBufAllocator.DEFAULT, payload, new byte[0]);
		try {
			assertThat(frame.readableBytes()).isEqualTo(headerLength + length);
			assertThat(frame.getUnsignedByte(0)).isEqualTo((short) 0x81);
			assertThat(frame.getUnsignedByte(1)).isEqualTo((short) lengthCode);
			if (lengthCode == 126) {
				assertThat(frame.getUnsignedShort(2)).isEqualTo(length);
			}
			if (lengthCode == 127) {
				assertThat(frame.getLong(2)).isEqualTo(length);
			}
		}
		finally {
			frame.release();
		}
	}

}
