package dev.meetingbridge.stomp;

import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.RawWebSocket;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket handshake itself: open to anyone, and without permessage-deflate whatever
 * the client offers.
 */
class HandshakeTests extends IntegrationTest {

	@Test
	void theHandshakeDeclinesPermessageDeflateThatBrowsersOffer() throws Exception {
		try (RawWebSocket socket = RawWebSocket.open(this.port, 0,
				"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits", "Origin: http://example.org")) {
			assertThat(socket.handshake()).startsWith("HTTP/1.1 101");
			assertThat(socket.handshake().toLowerCase()).doesNotContain("sec-websocket-extensions");
		}
	}

}
