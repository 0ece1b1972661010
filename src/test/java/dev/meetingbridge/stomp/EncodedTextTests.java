package dev.meetingbridge.stomp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out sends frames it encoded once; with another Tomcat the bridge would still work
 * (the STOMP tests run either way) but encode per subscriber again. This says so at build time.
 */
class EncodedTextTests {

	@Test
	void theEmbeddedTomcatTakesPreEncodedTextMessages() {
		assertThat(EncodedText.available()).isTrue();
	}

}
