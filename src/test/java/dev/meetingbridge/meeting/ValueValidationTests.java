package dev.meetingbridge.meeting;

import dev.meetingbridge.ids.IdFormat;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The identifier and display-name rules of docs/api.md 'REST API'. */
class ValueValidationTests {

	private static void invalid(String field, ThrowingCallable action) {
		assertThatThrownBy(action).isInstanceOfSatisfying(BridgeException.class, (ex) -> {
			assertThat(ex.problem()).isEqualTo(Problem.VALIDATION_FAILED);
			assertThat(ex.errors()).singleElement().satisfies((error) -> {
				assertThat(error.field()).isEqualTo(field);
				assertThat(error.message()).isNotBlank();
			});
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "Z", "7", "abcd-efgh-ijkl", "Meeting_1", "a-", "a_", "0-_-_" })
	void lettersDigitsUnderscoresAndHyphensStartingWithALetterOrDigitAreAccepted(String id) {
		assertThat(MeetingId.of(id).value()).isEqualTo(id);
		assertThat(IdFormat.isValid(id)).isTrue();
	}

	@Test
	void sixtyFourCharactersAreTheLongestId() {
		String longest = "a".repeat(64);
		assertThat(ParticipantId.of(longest).value()).isEqualTo(longest);
		invalid("participantId", () -> ParticipantId.of(longest + "b"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "-a", "_a", "a b", "a.b", "a/b", "a:b", "é", "ab\n", " a", "a%20", "a\u0000" })
	void anythingElseIsAValidationFailureNamingTheField(String id) {
		invalid("meetingId", () -> MeetingId.of(id));
		assertThat(IdFormat.isValid(id)).isFalse();
	}

	@Test
	void missingOrEmptyIdsAreValidationFailures() {
		invalid("participantId", () -> ParticipantId.of(null));
		invalid("participantId", () -> ParticipantId.of(""));
		assertThat(IdFormat.isValid(null)).isFalse();
	}

	@Test
	void surroundingWhitespaceIsTrimmed() {
		assertThat(DisplayName.of("  Alice Smith \t").value()).isEqualTo("Alice Smith");
	}

	@Test
	void oneToOneHundredCharactersAfterTrimmingAreAccepted() {
		assertThat(DisplayName.of("A").value()).isEqualTo("A");
		String longest = "x".repeat(100);
		assertThat(DisplayName.of("   " + longest + "   ").value()).isEqualTo(longest);
	}

	@Test
	void moreThanOneHundredCharactersAreRefused() {
		invalid("displayName", () -> DisplayName.of("x".repeat(101)));
	}

	@Test
	void nonAsciiNamesAreAccepted() {
		assertThat(DisplayName.of("Zoë Ångström 山田").value()).isEqualTo("Zoë Ångström 山田");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "   \t\n ", "\u2003" })
	void blankNamesAreRefused(String name) {
		invalid("displayName", () -> DisplayName.of(name));
	}

	@Test
	void aMissingNameIsRefused() {
		invalid("displayName", () -> DisplayName.of(null));
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\u0000b", "line\nbreak", "tab\there", "bell\u0007", "del\u007f", "c1\u0085x", "\u0000" })
	void controlCharactersAreRefused(String name) {
		invalid("displayName", () -> DisplayName.of(name));
	}

}
