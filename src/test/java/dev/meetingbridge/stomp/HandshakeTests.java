package dev.meetingbridge.stomp;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The WebSocket handshake itself: open to anyone, and without permessage-deflate whatever the client offers. */
class HandshakeTests extends IntegrationTest {

	@Test
	void theHandshakeDeclinesPermessageDeflateThatBrowsersOffer() throws Exception {
		try (Socket socket = new Socket("localhost", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /ws HTTP/1.1\r\nHost: localhost:" + this.port + "\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
					+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n"
					+ "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
					+ "Origin: http://example.org\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String response = readHeaders(socket.getInputStream());
			assertThat(response).startsWith("HTTP/1.1 101");
			assertThat(response.toLowerCase()).doesNotContain("sec-websocket-extensions");
		}
	}

	private static String readHeaders(InputStream in) throws Exception {
		StringBuilder headers = new StringBuilder();
		int b;
		while ((b = in.read()) != -1) {
			headers.append((char) b);
			if (headers.toString().endsWith("\r\n\r\n")) {
				break;
			}
		}
		return headers.toString();
	}

}
