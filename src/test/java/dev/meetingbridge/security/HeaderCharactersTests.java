package dev.meetingbridge.security;

import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The firewall's header checks without regular expressions decide exactly as Spring
 * Security's default patterns, for every character.
 */
class HeaderCharactersTests {

	@Test
	void namesAreJudgedAsSpringSecurityJudgesThem() {
		assertSameAsDefault(HeaderCharacters.NAMES, StrictServerWebExchangeFirewall.ALLOWED_HEADER_NAMES);
	}

	@Test
	void valuesAreJudgedAsSpringSecurityJudgesThem() {
		assertSameAsDefault(HeaderCharacters.VALUES, StrictServerWebExchangeFirewall.ALLOWED_HEADER_VALUES);
	}

	@Test
	void typicalHeadersPassAndControlCharactersDoNot() {
		assertThat(HeaderCharacters.VALUES.test("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")).isTrue();
		assertThat(HeaderCharacters.VALUES.test("text/html;\tq=0.9")).isTrue();
		assertThat(HeaderCharacters.NAMES.test("X-Tab\t")).isFalse();
		assertThat(HeaderCharacters.VALUES.test("split\r\nSet-Cookie: x=1")).isFalse();
		assertThat(HeaderCharacters.VALUES.test("nul\u0000")).isFalse();
		assertThat(HeaderCharacters.VALUES.test(null)).isTrue();
	}

	private static void assertSameAsDefault(Predicate<String> ours, Predicate<String> spring) {
		for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
			String alone = Character.toString(codePoint);
			String inText = "ab" + alone + "cd";
			assertThat(ours.test(alone)).as("U+%04X", codePoint).isEqualTo(spring.test(alone));
			assertThat(ours.test(inText)).as("U+%04X in text", codePoint).isEqualTo(spring.test(inText));
		}
		// a surrogate pair split in two, and reversed
		assertThat(ours.test("\uD83D")).isEqualTo(spring.test("\uD83D"));
		assertThat(ours.test("\uDE00\uD83D")).isEqualTo(spring.test("\uDE00\uD83D"));
		assertThat(ours.test("")).isEqualTo(spring.test(""));
	}

}
