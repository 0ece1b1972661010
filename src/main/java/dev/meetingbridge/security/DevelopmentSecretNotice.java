package dev.meetingbridge.security;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When no secret is configured, says so loudly and prints a short-lived server token, so
 * a first run can be tried without any set-up.
 */
@Component
class DevelopmentSecretNotice {

	private static final Logger logger = LoggerFactory.getLogger(DevelopmentSecretNotice.class);

	private final JwtConfig.SigningKey key;

	private final TokenMinter minter;

	DevelopmentSecretNotice(JwtConfig.SigningKey key, TokenMinter minter) {
		this.key = key;
		this.minter = minter;
	}

	@EventListener(ApplicationReadyEvent.class)
	void announce() {
		if (!this.key.generated()) {
			return;
		}
		logger.warn("bridge.security.jwt-secret (BRIDGE_JWT_SECRET) is not set: using a random secret. Tokens will "
				+ "not survive a restart and will not work on other instances. Set a secret of at least 32 bytes "
				+ "for anything but a trial run.");
		logger.warn("Trial server token, valid for one hour: {}", this.minter.serverToken(Duration.ofHours(1)));
	}

}
