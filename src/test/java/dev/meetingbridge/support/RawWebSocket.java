package dev.meetingbridge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client on a plain socket, for what real clients do not let a test do: offer
 * an extension and read the raw handshake answer, or stop reading altogether.
 */
public final class RawWebSocket implements AutoCloseable {

	private final Socket socket;

	private final String handshake;

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.handshake = readUntil("\r\n\r\n");
	}

	/**
	 * Opens {@code /ws} with the STOMP 1.2 subprotocol and the given extra header lines.
	 * @param receiveBufferSize the socket's receive buffer in bytes, or 0 for the
	 * system's
	 */
	public static RawWebSocket open(int port, int receiveBufferSize, String... headers) throws IOException {
		Socket socket = new Socket();
		if (receiveBufferSize > 0) {
			socket.setReceiveBufferSize(receiveBufferSize);
		}
		socket.setSoTimeout(10_000);
		socket.connect(new InetSocketAddress("localhost", port));
		StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: localhost:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: v12.stomp\r\n");
		for (String header : headers) {
			request.append(header).append("\r\n");
		}
		OutputStream out = socket.getOutputStream();
		out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
		out.flush();
		return new RawWebSocket(socket);
	}

	/** The status line and headers the server answered the upgrade with. */
	public String handshake() {
		return this.handshake;
	}

	/**
	 * Reads until the text has appeared (frames are read as Latin-1 text, headers and
	 * all).
	 */
	public String readUntil(String marker) throws IOException {
		InputStream in = this.socket.getInputStream();
		StringBuilder seen = new StringBuilder();
		while (seen.indexOf(marker) < 0) {
			int b = in.read();
			assertThat(b).as("connection ended before %s", marker).isNotNegative();
			seen.append((char) b);
		}
		return seen.toString();
	}

	/**
	 * STOMP CONNECT with the token and no heart-beats, then reads until CONNECTED.
	 */
	public void connectStomp(String token) throws IOException {
		sendText("CONNECT\naccept-version:1.2\nheart-beat:0,0\nAuthorization:Bearer " + token + "\n\n\0");
		readUntil("CONNECTED");
	}

	/** Sends a masked client text frame (RFC 6455 5.3). */
	public void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		byte[] mask = { 0x1b, 0x2c, 0x3d, 0x4e };
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length <= 0xffff) {
			frame.write(0x80 | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) (((long) payload.length >> shift) & 0xff));
			}
		}
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		this.socket.getOutputStream().write(frame.toByteArray());
		this.socket.getOutputStream().flush();
	}

	/** What {@link #readToTheEnd} appends when the server closed the connection. */
	public static final String END = "<end of stream>";

	/**
	 * Reads everything until the server closes the connection (then ends with
	 * {@link #END}) or nothing arrives for the socket's timeout or the time is up; as
	 * Latin-1 text, frames and all.
	 */
	public String readToTheEnd(Duration within) throws IOException {
		long deadline = System.nanoTime() + within.toNanos();
		this.socket.setSoTimeout((int) within.toMillis());
		StringBuilder seen = new StringBuilder();
		byte[] buffer = new byte[64 * 1024];
		InputStream in = this.socket.getInputStream();
		while (System.nanoTime() < deadline) {
			int read;
			try {
				read = in.read(buffer);
			}
			catch (SocketTimeoutException ex) {
				return seen.toString();
			}
			catch (IOException ex) {
				return seen.append(END).toString(); // reset by the server
			}
			if (read < 0) {
				return seen.append(END).toString();
			}
			seen.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
		}
		return seen.toString();
	}

	/**
	 * Reads all that was buffered for it; true when the server closed the connection at
	 * the end.
	 */
	public boolean drainsToTheEnd(Duration within) throws IOException {
		long deadline = System.nanoTime() + within.toNanos();
		this.socket.setSoTimeout((int) within.toMillis());
		byte[] buffer = new byte[64 * 1024];
		InputStream in = this.socket.getInputStream();
		while (System.nanoTime() < deadline) {
			try {
				if (in.read(buffer) < 0) {
					return true;
				}
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (IOException ex) {
				return true; // reset by the server
			}
		}
		return false;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
