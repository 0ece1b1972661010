package dev.meetingbridge.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.meetingbridge.MeetingBridgeApplication;
import dev.meetingbridge.support.Api;
import dev.meetingbridge.support.IntegrationTest;
import dev.meetingbridge.support.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without BRIDGE_JWT_SECRET a first run still works: a random secret, a loud warning, and
 * a server token to try it with.
 */
@ExtendWith(OutputCaptureExtension.class)
class DevelopmentSecretTests {

	private static final Pattern TOKEN = Pattern.compile("Trial server token, valid for one hour: (\\S+)");

	@Test
	void withoutASecretTheServiceWarnsAndLogsAWorkingServerToken(CapturedOutput output) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--bridge.security.jwt-secret="));
		args.addAll(TestRedis.arguments());
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MeetingBridgeApplication.class)
			.run(args.toArray(String[]::new))) {
			assertThat(output)
				.contains("bridge.security.jwt-secret (BRIDGE_JWT_SECRET) is not set: using a random secret");
			Matcher token = TOKEN.matcher(output.toString());
			assertThat(token.find()).isTrue();
			String baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");

			Api.Response created = new Api(baseUrl, token.group(1)).post("/api/meetings",
					Map.of("meetingId", IntegrationTest.unique("trial")));
			assertThat(created.status()).isEqualTo(201);
			// A token signed with any other secret is refused.
			assertThat(new Api(baseUrl, tokenFromTheTestSecret()).get("/api/meetings").status()).isEqualTo(401);
		}
	}

	private static String tokenFromTheTestSecret() {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256),
					new JWTClaimsSet.Builder().subject("server")
						.claim("roles", List.of("server"))
						.expirationTime(Date.from(Instant.now().plusSeconds(300)))
						.build());
			jwt.sign(new MACSigner(IntegrationTest.SECRET.getBytes(StandardCharsets.UTF_8)));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
