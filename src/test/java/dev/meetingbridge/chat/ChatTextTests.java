package dev.meetingbridge.chat;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chat text rule of docs/api.md 'REST API': 1 to {@code bridge.chat.max-length}
 * characters after trimming.
 */
class ChatTextTests {

	private static final int DEFAULT_MAX = 4096;

	private static void invalid(ThrowingCallable action) {
		assertThatThrownBy(action).isInstanceOfSatisfying(BridgeException.class, (ex) -> {
			assertThat(ex.problem()).isEqualTo(Problem.VALIDATION_FAILED);
			assertThat(ex.errors()).singleElement()
				.satisfies((error) -> assertThat(error.field()).isEqualTo("message"));
		});
	}

	@Test
	void textIsTrimmed() {
		assertThat(ChatText.of("  hello there \n", DEFAULT_MAX).value()).isEqualTo("hello there");
	}

	@Test
	void theConfiguredMaximumIsInclusiveAndCountedAfterTrimming() {
		String longest = "x".repeat(DEFAULT_MAX);
		assertThat(ChatText.of(" " + longest + " ", DEFAULT_MAX).value()).isEqualTo(longest);
		invalid(() -> ChatText.of(longest + "x", DEFAULT_MAX));
	}

	@Test
	void aSmallerConfiguredMaximumApplies() {
		assertThat(ChatText.of("abcde", 5).value()).isEqualTo("abcde");
		invalid(() -> ChatText.of("abcdef", 5));
	}

	@Test
	void charactersOutsideTheBasicPlaneCountOnce() {
		String emoji = "\uD83D\uDE00".repeat(5);
		assertThat(ChatText.of(emoji, 5).value()).isEqualTo(emoji);
	}

	@Test
	void interiorLineBreaksAreKept() {
		assertThat(ChatText.of("first\nsecond", DEFAULT_MAX).value()).isEqualTo("first\nsecond");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\n\t  \r\n" })
	void blankTextIsRefused(String text) {
		invalid(() -> ChatText.of(text, DEFAULT_MAX));
	}

	@Test
	void missingTextIsRefused() {
		invalid(() -> ChatText.of(null, DEFAULT_MAX));
	}

}
