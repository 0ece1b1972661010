package dev.meetingbridge.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.meetingbridge.security.TokenMinter;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A bridge on a random port against the shared test Redis, with real HTTP ({@link #api}),
 * real STOMP ({@link #stomp}) and named test data ({@link #fixtures}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(MembershipReads.class)
public abstract class IntegrationTest {

	/** The secret every test instance shares, so tokens work on all of them. */
	public static final String SECRET = "test-secret-0123456789-abcdefghij-klmnop";

	private static final AtomicInteger COUNTER = new AtomicInteger();

	private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

	@LocalServerPort
	protected int port;

	@Autowired
	private TokenMinter minter;

	@Autowired
	private JwtEncoder encoder;

	protected Tokens tokens;

	protected Api api;

	protected Fixtures fixtures;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		TestRedis.register(registry);
		registry.add("bridge.security.jwt-secret", () -> SECRET);
	}

	@BeforeEach
	void clients() {
		this.tokens = new Tokens(this.minter, this.encoder);
		this.api = new Api(baseUrl(), this.tokens.server());
		this.fixtures = new Fixtures(this.api, this.tokens);
	}

	protected String baseUrl() {
		return "http://localhost:" + this.port;
	}

	protected String wsUrl() {
		return "ws://localhost:" + this.port + "/ws";
	}

	protected StompTestClient stomp(String token) {
		return StompTestClient.connect(wsUrl(), token);
	}

	/** The meeting's event history, oldest first, read through REST. */
	protected List<JsonNode> events(String meetingId) {
		return MeetingHistory.of(this.api, meetingId).events();
	}

	protected List<JsonNode> events(String meetingId, String type) {
		return MeetingHistory.of(this.api, meetingId).ofType(type);
	}

	protected long latestSequence(String meetingId) {
		return MeetingHistory.of(this.api, meetingId).latestSequence();
	}

	protected static String connections(String meetingId) {
		return "/api/meetings/" + meetingId + "/connections";
	}

	/** The ids of a participant map ({@code {"id": {...}, ...}}), in its order. */
	protected static List<String> ids(JsonNode participants) {
		List<String> ids = new ArrayList<>();
		participants.properties().forEach((entry) -> ids.add(entry.getKey()));
		return ids;
	}

	/** A meeting or participant id no other test uses. */
	public static String unique(String name) {
		return name + "-" + RUN + "-" + COUNTER.incrementAndGet();
	}

}
