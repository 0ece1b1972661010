package dev.meetingbridge.stomp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.meetingbridge.support.BridgeInstance;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RawWebSocket;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of the WebSocket transport: an instance accepts
 * {@code bridge.stomp.max-sessions} WebSockets and closes any more at once with 1013 (try
 * again later); a client message larger than 64 KiB ends its session. An instance of its
 * own, limited to two sessions.
 */
class TransportLimitsTests extends IntegrationTest {

	private static final Duration BOUND = Duration.ofSeconds(20);

	private static BridgeInstance bridge;

	@BeforeAll
	static void startInstance() {
		bridge = BridgeInstance.start("bridge.stomp.max-sessions=2");
	}

	@AfterAll
	static void stopInstance() {
		if (bridge != null) {
			bridge.close();
		}
	}

	@Test
	void aWebSocketBeyondMaxSessionsIsClosedWith1013AndTheOthersStay() throws IOException {
		double before = overCapacity();
		List<RawWebSocket> admitted = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				RawWebSocket socket = RawWebSocket.open(bridge.port(), 0);
				admitted.add(socket);
				socket.connectStomp(tokens.server());
			}
			try (RawWebSocket third = RawWebSocket.open(bridge.port(), 0)) {
				assertThat(third.handshake()).startsWith("HTTP/1.1 101");
				String answer = third.readToTheEnd(BOUND);
				// A close frame (0x88) with status 1013 (0x03F5), then the end of the
				// connection.
				assertThat(answer).contains("\u0088").contains("\u0003\u00f5").endsWith(RawWebSocket.END);
			}
			assertThat(overCapacity()).isEqualTo(before + 1);
			for (RawWebSocket socket : admitted) {
				socket.sendText("SUBSCRIBE\nid:0\ndestination:/user/queue/errors\nreceipt:r\n\n\0");
				assertThat(socket.readUntil("RECEIPT")).contains("RECEIPT");
			}
		}
		finally {
			for (RawWebSocket socket : admitted) {
				socket.close();
			}
		}
	}

	@Test
	void aClientMessageOverSixtyFourKibibytesEndsTheSession() throws IOException {
		try (RawWebSocket socket = RawWebSocket.open(this.port, 0)) {
			socket.connectStomp(tokens.server());
			String body = "x".repeat(64 * 1024 + 1);
			socket.sendText("SEND\ndestination:/app/elsewhere\ncontent-length:"
					+ body.getBytes(StandardCharsets.UTF_8).length + "\n\n" + body + "\0");
			assertThat(socket.readToTheEnd(BOUND)).endsWith(RawWebSocket.END);
		}
	}

	/**
	 * Frames sent one per WebSocket message faster than the bridge handles them (each
	 * SUBSCRIBE waits for nothing here, but is handled off the event loop) all arrive
	 * whole and in order.
	 */
	@Test
	void framesSentFasterThanTheyAreHandledAreAllHandledInOrder() throws IOException {
		try (RawWebSocket socket = RawWebSocket.open(this.port, 0)) {
			socket.connectStomp(tokens.server());
			for (int i = 0; i < 200; i++) {
				socket.sendText("SUBSCRIBE\nid:" + i + "\ndestination:/user/queue/errors\nreceipt:r" + i + "\n\n\0");
			}
			String receipts = socket.readUntil("receipt-id:r199\n");
			int previous = -1;
			for (String part : receipts.split("receipt-id:r")) {
				if (part.startsWith("RECEIPT") || part.isEmpty() || !Character.isDigit(part.charAt(0))) {
					continue;
				}
				int number = Integer.parseInt(part.substring(0, part.indexOf('\n')));
				assertThat(number).isEqualTo(previous + 1);
				previous = number;
			}
			assertThat(previous).isEqualTo(199);
		}
	}

	private static double overCapacity() {
		return bridge.bean(MeterRegistry.class)
			.counter("bridge.stomp.sessions.closed", "reason", "over-capacity")
			.count();
	}

}
