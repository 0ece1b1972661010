package dev.meetingbridge.web;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.meetingbridge.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every plain HTTP answer keeps its connection, whatever it is (a success, any refusal,
 * the actuator), and the next request, sent the moment the previous answer's last byte
 * arrives, is answered: ten thousand on one connection, in a mix that puts a refusal
 * before almost every request. A client that sends two requests in one write gets both
 * answers. (Reactor Netty 1.3.6 could stop reading such a connection after a request that
 * arrived while the previous exchange was still terminating.)
 */
@AutoConfigureMetrics
class KeepAliveTests extends IntegrationTest {

	private static final int REQUESTS = 10_000;

	@Test
	void tenThousandMixedRequestsOnOneConnectionAreAllAnsweredWithoutClosingIt() throws IOException {
		List<Exchange> mix = mix();
		URI uri = URI.create(baseUrl());
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			for (int i = 0; i < REQUESTS; i++) {
				Exchange exchange = mix.get(i % mix.size());
				out.write(exchange.request());
				out.flush();
				Answer answer = read(in, i, exchange);
				assertThat(answer.status()).as("request %d (%s): %s", i, exchange.name(), answer.head())
					.isIn(exchange.statuses());
				assertThat(answer.head().toLowerCase(Locale.ROOT)).as("request %d (%s)", i, exchange.name())
					.doesNotContain("connection: close");
			}
		}
	}

	@Test
	void twoRequestsInOneWriteAreBothAnswered() throws IOException {
		String meeting = fixtures.activeMeetingWith();
		URI uri = URI.create(baseUrl());
		byte[] read = get("/api/meetings/" + meeting, tokens.server());
		byte[] refused = get("/api/meetings/" + meeting, null);
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			for (int i = 0; i < 500; i++) {
				ByteArrayOutputStream two = new ByteArrayOutputStream();
				two.write(read);
				two.write((i % 2 == 0) ? refused : read);
				out.write(two.toByteArray());
				out.flush();
				assertThat(read(in, i, null).status()).isEqualTo(200);
				assertThat(read(in, i, null).status()).isIn(200, 401);
			}
		}
	}

	/** Requests that exercise every kind of answer, each with the statuses it may get. */
	private List<Exchange> mix() {
		String alice = fixtures.participant("alice");
		String meeting = fixtures.activeMeetingWith(alice);
		String other = fixtures.activeMeetingWith(fixtures.participant("bob"));
		String connection = fixtures.connect(meeting, other);
		String server = tokens.server();
		String chat = json(Map.of("message", "hi"));
		List<Exchange> mix = new ArrayList<>();
		mix.add(new Exchange("read", get("/api/meetings/" + meeting, server), List.of(200)));
		mix.add(new Exchange("no token", get("/api/meetings/" + meeting, null), List.of(401)));
		mix.add(new Exchange("unknown path", get("/api/nothing-here", server), List.of(404)));
		mix.add(new Exchange("unknown meeting", get("/api/meetings/" + unique("never"), server), List.of(404)));
		mix.add(new Exchange("wrong method", request("PUT", "/api/meetings", server, "application/json", "{}"),
				List.of(405)));
		mix.add(new Exchange("too large",
				request("POST", "/api/meetings", server, "application/json", "x".repeat(64 * 1024 + 1)), List.of(413)));
		mix.add(new Exchange("not JSON", request("POST", "/api/meetings", server, "text/plain", "{}"), List.of(415)));
		mix.add(new Exchange("malformed", request("POST", "/api/meetings", server, "application/json", "{"),
				List.of(400)));
		// Often enough to use up the sender's chat tokens: 201, then 429.
		mix.add(new Exchange("chat", request("POST", connections(meeting) + "/" + connection + "/chat-messages",
				tokens.participant(alice), "application/json", chat), List.of(201, 429)));
		mix.add(new Exchange("health", get("/actuator/health", null), List.of(200)));
		mix.add(new Exchange("readiness", get("/actuator/health/readiness", null), List.of(200)));
		mix.add(new Exchange("metrics", get("/actuator/prometheus", null), List.of(200)));
		return mix;
	}

	private static String json(Map<String, String> body) {
		StringBuilder text = new StringBuilder("{");
		body.forEach((key, value) -> text.append('"').append(key).append("\":\"").append(value).append('"'));
		return text.append('}').toString();
	}

	private byte[] get(String path, String token) {
		return request("GET", path, token, null, null);
	}

	private byte[] request(String method, String path, String token, String contentType, String body) {
		StringBuilder head = new StringBuilder(method).append(' ')
			.append(path)
			.append(" HTTP/1.1\r\nHost: localhost:")
			.append(this.port)
			.append("\r\n");
		if (token != null) {
			head.append("Authorization: Bearer ").append(token).append("\r\n");
		}
		byte[] bytes = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		if (contentType != null) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		if (body != null) {
			head.append("Content-Length: ").append(bytes.length).append("\r\n");
		}
		byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
		byte[] whole = new byte[start.length + bytes.length];
		System.arraycopy(start, 0, whole, 0, start.length);
		System.arraycopy(bytes, 0, whole, start.length, bytes.length);
		return whole;
	}

	/** One whole answer: its head and body (with Content-Length or chunked). */
	private static Answer read(InputStream in, int index, Exchange exchange) throws IOException {
		String head;
		try {
			head = line(in, "\r\n\r\n");
		}
		catch (SocketTimeoutException ex) {
			fail("Request %d (%s) got no answer within 10 s: the connection hangs", index,
					(exchange != null) ? exchange.name() : "two in one write");
			throw ex;
		}
		String lower = head.toLowerCase(Locale.ROOT);
		if (lower.contains("transfer-encoding: chunked")) {
			for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
				in.readNBytes(size + 2);
			}
			line(in, "\r\n");
		}
		else {
			int at = lower.indexOf("content-length:");
			if (at >= 0) {
				int end = lower.indexOf("\r\n", at);
				in.readNBytes(Integer.parseInt(lower.substring(at + 15, end).strip()));
			}
		}
		return new Answer(Integer.parseInt(head.substring(9, 12)), head);
	}

	private static int chunkSize(InputStream in) throws IOException {
		String line = line(in, "\r\n").strip();
		int extension = line.indexOf(';');
		return Integer.parseInt((extension >= 0) ? line.substring(0, extension) : line, 16);
	}

	private static String line(InputStream in, String end) throws IOException {
		StringBuilder text = new StringBuilder();
		while (text.length() < end.length() || !text.substring(text.length() - end.length()).equals(end)) {
			int next = in.read();
			if (next < 0) {
				fail("The connection was closed: %s", text);
			}
			text.append((char) next);
		}
		return text.toString();
	}

	private record Exchange(String name, byte[] request, List<Integer> statuses) {
	}

	private record Answer(int status, String head) {
	}

}
