package dev.meetingbridge.security;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.jwk.source.ImmutableSecret;
import dev.meetingbridge.config.BridgeProperties;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * HS256 token verification (and minting) with the configured secret, or a random one for
 * a first run.
 */
@Configuration(proxyBeanMethods = false)
class JwtConfig {

	@Bean
	SigningKey signingKey(BridgeProperties properties) {
		String configured = properties.security().jwtSecret();
		if (configured != null) {
			return new SigningKey(new SecretKeySpec(configured.getBytes(StandardCharsets.UTF_8), "HmacSHA256"), false);
		}
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		return new SigningKey(new SecretKeySpec(random, "HmacSHA256"), true);
	}

	@Bean
	JwtDecoder jwtDecoder(SigningKey key, Clock clock) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(key.secretKey())
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(),
				new JwtClaimValidator<Instant>(JwtClaimNames.EXP, Objects::nonNull)));
		return new VerifiedTokens(decoder, clock);
	}

	/**
	 * The same decoder for REST's reactive resource server: verifying an HS256 signature
	 * is quick CPU work, and verified tokens are remembered, so it runs where the request
	 * is.
	 */
	@Bean
	ReactiveJwtDecoder reactiveJwtDecoder(JwtDecoder decoder) {
		return (token) -> Mono.fromCallable(() -> decoder.decode(token));
	}

	@Bean
	JwtEncoder jwtEncoder(SigningKey key) {
		return new NimbusJwtEncoder(new ImmutableSecret<>(key.secretKey()));
	}

	/** The HS256 key, and whether it was generated because none was configured. */
	record SigningKey(SecretKey secretKey, boolean generated) {
	}

}
