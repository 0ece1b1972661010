package dev.meetingbridge.meeting;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The meeting list's cursor: what a page hands out reads back as the same position, and
 * nothing else reads.
 */
class MeetingCursorTests {

	@Test
	void aCursorReadsBackAsThePositionItWasWrittenFor() {
		MeetingIndex.Entry position = new MeetingIndex.Entry("abcd-efgh-ijkl", 1_764_590_400_123d);
		String cursor = MeetingCursor.encode(position);
		assertThat(cursor).matches("[A-Za-z0-9_-]+");
		assertThat(MeetingCursor.decode(cursor)).isEqualTo(position);
	}

	@Test
	void noCursorIsTheFirstPage() {
		assertThat(MeetingCursor.decode(null)).isNull();
		assertThat(MeetingCursor.decode("")).isNull();
	}

	@Test
	void positionsCarryWholeMilliseconds() {
		MeetingIndex.Entry position = new MeetingIndex.Entry("m", 42.9);
		assertThat(MeetingCursor.decode(MeetingCursor.encode(position))).isEqualTo(new MeetingIndex.Entry("m", 42));
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "NaN:abc", "1e999:x", ":", "12:", ":abc", "12", "12:-bad", "Infinity:a", "0x10:a", "12:a:b" })
	void anythingElseIsAValidationFailureOfTheCursor(String raw) {
		refused(Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void textThatIsNotBase64IsRefused() {
		refused("not base64!");
	}

	private static void refused(String cursor) {
		assertThatExceptionOfType(BridgeException.class).isThrownBy(() -> MeetingCursor.decode(cursor))
			.satisfies((ex) -> {
				assertThat(ex.problem()).isEqualTo(Problem.VALIDATION_FAILED);
				assertThat(ex.errors()).singleElement()
					.satisfies((error) -> assertThat(error.field()).isEqualTo("cursor"));
			});
	}

}
