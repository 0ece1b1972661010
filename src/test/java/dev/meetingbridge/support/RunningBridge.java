package dev.meetingbridge.support;

/**
 * A bridge a test started besides the one of {@link IntegrationTest}: where it listens,
 * and clients for it.
 */
public interface RunningBridge {

	int port();

	default String baseUrl() {
		return "http://localhost:" + port();
	}

	default Api api(String token) {
		return new Api(baseUrl(), token);
	}

	default StompTestClient stomp(String token) {
		return StompTestClient.connect("ws://localhost:" + port() + "/ws", token);
	}

}
