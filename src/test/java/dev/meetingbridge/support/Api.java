package dev.meetingbridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP against a running bridge, with a bearer token; bodies as JSON trees. */
public final class Api {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String baseUrl;

	private final String token;

	private final Map<String, String> headers;

	public Api(String baseUrl, String token) {
		this(baseUrl, token, Map.of());
	}

	private Api(String baseUrl, String token, Map<String, String> headers) {
		this.baseUrl = baseUrl;
		this.token = token;
		this.headers = headers;
	}

	/** The same bridge, another token. */
	public Api as(String otherToken) {
		return new Api(this.baseUrl, otherToken, this.headers);
	}

	/**
	 * The same bridge and token, sending this header too ({@code Idempotency-Key}, say).
	 */
	public Api with(String header, String value) {
		Map<String, String> more = new LinkedHashMap<>(this.headers);
		more.put(header, value);
		return new Api(this.baseUrl, this.token, Map.copyOf(more));
	}

	public Response get(String path) {
		return send("GET", path, null, null);
	}

	public Response delete(String path) {
		return send("DELETE", path, null, null);
	}

	public Response post(String path) {
		return send("POST", path, null, null);
	}

	public Response post(String path, Object body) {
		return send("POST", path, JSON.writeValueAsString(body), "application/json");
	}

	public Response postRaw(String path, String body, String contentType) {
		return send("POST", path, body, contentType);
	}

	public Response send(String method, String path, String body, String contentType) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(20))
			.method(method,
					body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (this.token != null) {
			request.header("Authorization", "Bearer " + this.token);
		}
		if (contentType != null) {
			request.header("Content-Type", contentType);
		}
		this.headers.forEach(request::header);
		try {
			HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A response: status, body as text and as JSON, headers. */
	public record Response(int status, String text, Map<String, java.util.List<String>> headers) {

		public JsonNode json() {
			return this.text.isEmpty() ? JSON.nullNode() : JSON.readTree(this.text);
		}

		public String code() {
			return json().path("code").asString();
		}

		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equalsIgnoreCase(name))
				.findFirst()
				.map((entry) -> entry.getValue().get(0))
				.orElse(null);
		}

		@Override
		public String toString() {
			return this.status + " " + this.text;
		}

	}

}
