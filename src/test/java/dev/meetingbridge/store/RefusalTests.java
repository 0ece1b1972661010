package dev.meetingbridge.store;

import java.util.Arrays;
import java.util.List;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The one mapping from a script's refusal code to the contract's problem. */
class RefusalTests {

	private static final MeetingId MARS = MeetingId.of("mars");

	@ParameterizedTest
	@CsvSource({ "meeting-not-found, MEETING_NOT_FOUND, Meeting mars does not exist",
			"meeting-ended, MEETING_ENDED, Meeting mars has ended",
			"meeting-exists, MEETING_EXISTS, Meeting mars already exists",
			"participant-not-found, PARTICIPANT_NOT_FOUND, Participant alice is not in meeting mars",
			"connection-closed, CONNECTION_CLOSED, The connection is closed" })
	void clientRefusalsMapToTheirProblem(String code, Problem problem, String detail) {
		BridgeException ex = Refusal.of(code).toException(MARS, "alice");
		assertThat(ex.problem()).isEqualTo(problem);
		assertThat(ex.getMessage()).isEqualTo(detail);
	}

	@Test
	void codesThatCallersHandleThemselvesAndUnknownCodesAreStoreFailures() {
		for (String code : List.of("already-member", "already-open", "not-bound", "expired", "no-such-code", "")) {
			assertThat(Refusal.of(code).toException(MARS).problem()).as(code).isEqualTo(Problem.STORE_UNAVAILABLE);
		}
		assertThat(Refusal.of("no-such-code")).isEqualTo(Refusal.STORE_UNAVAILABLE);
		assertThat(Refusal.of(null)).isEqualTo(Refusal.STORE_UNAVAILABLE);
	}

	@Test
	void everyCodeReadsBackAsItsRefusal() {
		Arrays.stream(Refusal.values()).forEach((refusal) -> assertThat(Refusal.of(refusal.code())).isSameAs(refusal));
	}

	@Test
	void aScriptResultCarriesItsRefusal() {
		assertThat(new ScriptResult(List.of("meeting-ended")).refusal()).isEqualTo(Refusal.MEETING_ENDED);
		assertThat(new ScriptResult(null).refusal()).isEqualTo(Refusal.STORE_UNAVAILABLE);
		assertThatIllegalStateException().isThrownBy(() -> new ScriptResult(List.of("ok")).refusal());
	}

}
