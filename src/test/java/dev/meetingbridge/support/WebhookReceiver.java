package dev.meetingbridge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A webhook endpoint for tests: a real HTTP server on a free port that records every
 * delivery it gets and answers as the test says, per meeting (200 by default). It can go
 * down (nothing listens on its port) and come back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** One request as received, with the status it was answered (0: never answered). */
	public record Delivery(String id, String timestamp, String signature, @Nullable String authorization, String body,
			int status) {

		public JsonNode json() {
			return JSON.readTree(this.body);
		}

		public String meetingId() {
			return this.id.substring(0, this.id.indexOf(':'));
		}

		public String type() {
			return json().path("type").asString();
		}

	}

	private final int port;

	private final List<Delivery> deliveries = new ArrayList<>();

	/**
	 * How to answer a delivery of a meeting, by webhook-id: a status, or -1 to hold it.
	 */
	private final Map<String, Function<String, Integer>> rules = new ConcurrentHashMap<>();

	private volatile CountDownLatch held = new CountDownLatch(0);

	private volatile @Nullable HttpServer server;

	private WebhookReceiver(int port) {
		this.port = port;
	}

	public static WebhookReceiver start() {
		WebhookReceiver receiver = new WebhookReceiver(RedisServerProcess.freePort());
		receiver.up();
		return receiver;
	}

	public String url() {
		return "http://localhost:" + this.port + "/hooks";
	}

	/** The URL with credentials, which the bridge sends as basic authentication. */
	public String urlWithCredentials(String user, String password) {
		return "http://" + user + ":" + password + "@localhost:" + this.port + "/hooks";
	}

	public synchronized void up() {
		if (this.server != null) {
			return;
		}
		try {
			HttpServer http = HttpServer.create(new InetSocketAddress("localhost", this.port), 64);
			http.createContext("/hooks", this::handle);
			http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
			http.start();
			this.server = http;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Nothing listens on the port any more: connections are refused. */
	public synchronized void down() {
		HttpServer http = this.server;
		this.server = null;
		if (http != null) {
			http.stop(0);
		}
	}

	/**
	 * Answers the meeting's deliveries by the rule (webhook-id to status; -1 holds the
	 * request).
	 */
	public void answer(String meetingId, Function<String, Integer> rule) {
		this.rules.put(meetingId, rule);
	}

	/** From now on, requests a rule holds wait until {@link #release()}. */
	public void holdRequests() {
		this.held = new CountDownLatch(1);
	}

	public void release() {
		this.held.countDown();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body;
		try (InputStream in = exchange.getRequestBody()) {
			body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		String id = String.valueOf(exchange.getRequestHeaders().getFirst("webhook-id"));
		String meeting = id.contains(":") ? id.substring(0, id.indexOf(':')) : "";
		Function<String, Integer> rule = this.rules.get(meeting);
		int status = (rule != null) ? rule.apply(id) : 200;
		if (status < 0) {
			record(exchange, id, body, 0);
			try {
				this.held.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
			return;
		}
		record(exchange, id, body, status);
		exchange.sendResponseHeaders(status, -1);
		exchange.close();
	}

	private void record(HttpExchange exchange, String id, String body, int status) {
		var headers = exchange.getRequestHeaders();
		Delivery delivery = new Delivery(id, String.valueOf(headers.getFirst("webhook-timestamp")),
				String.valueOf(headers.getFirst("webhook-signature")), headers.getFirst("Authorization"), body, status);
		synchronized (this.deliveries) {
			this.deliveries.add(delivery);
		}
	}

	/** Every request so far, in arrival order. */
	public List<Delivery> deliveries() {
		synchronized (this.deliveries) {
			return List.copyOf(this.deliveries);
		}
	}

	/** The meeting's requests, in arrival order. */
	public List<Delivery> deliveries(String meetingId) {
		return deliveries().stream().filter((delivery) -> delivery.meetingId().equals(meetingId)).toList();
	}

	/** The meeting's requests answered 2xx, in arrival order. */
	public List<Delivery> accepted(String meetingId) {
		return deliveries(meetingId).stream()
			.filter((delivery) -> delivery.status() >= 200 && delivery.status() < 300)
			.toList();
	}

	@Override
	public void close() {
		release();
		down();
	}

}
