package dev.meetingbridge.ids;

import java.util.Map;

import dev.meetingbridge.problem.BridgeException;
import dev.meetingbridge.problem.Problem;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The typed ids: one format, plain strings in JSON, refusals naming the field, generated
 * ids that pass.
 */
class IdsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	record Body(MeetingId meetingId, ParticipantId participantId) {
	}

	@Test
	void jsonMapsIdsAsPlainStrings() {
		Body body = new Body(MeetingId.of("mars"), ParticipantId.of("alice"));
		String text = this.json.writeValueAsString(body);
		assertThat(text).isEqualTo("{\"meetingId\":\"mars\",\"participantId\":\"alice\"}");
		assertThat(this.json.readValue(text, Body.class)).isEqualTo(body);
		assertThat(this.json.writeValueAsString(Map.of("id", ConnectionId.of("c_1")))).isEqualTo("{\"id\":\"c_1\"}");
	}

	@Test
	void anInvalidIdInJsonFailsWithTheIdsOwnRefusal() {
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.json.readValue("{\"meetingId\":\"-bad\",\"participantId\":\"a\"}", Body.class))
			.satisfies((ex) -> {
				BridgeException refusal = BridgeException.findIn(ex);
				assertThat(refusal).isNotNull();
				assertThat(refusal.problem()).isEqualTo(Problem.VALIDATION_FAILED);
				assertThat(refusal.errors()).singleElement()
					.satisfies((error) -> assertThat(error.field()).isEqualTo("meetingId"));
			});
	}

	@Test
	void aRefusalNamesTheFieldItWasReadFrom() {
		assertThatExceptionOfType(BridgeException.class).isThrownBy(() -> ParticipantId.of("senderId", "a b"))
			.satisfies((ex) -> assertThat(ex.errors().get(0).field()).isEqualTo("senderId"));
		assertThatExceptionOfType(BridgeException.class).isThrownBy(() -> new ConnectionId(""))
			.satisfies((ex) -> assertThat(ex.errors().get(0).message()).isEqualTo("must not be empty"));
	}

	@Test
	void aMissingTypedIdIsRefusedUnderItsField() {
		assertThat(IdFormat.present("meetingId", MeetingId.of("a"))).isEqualTo(MeetingId.of("a"));
		assertThatExceptionOfType(BridgeException.class).isThrownBy(() -> IdFormat.present("meetingId", null))
			.satisfies((ex) -> assertThat(ex.errors().get(0).field()).isEqualTo("meetingId"));
	}

	@RepeatedTest(20)
	void generatedIdsHaveTheirShapeAndPassTheFormat() {
		assertThat(MeetingId.generate().value()).matches("[a-z]{4}-[a-z]{4}-[a-z]{4}");
		assertThat(ConnectionId.generate().value()).matches("c_[a-z0-9]{20}");
		assertThat(IdFormat.isValid(IdFormat.opaque("m_"))).isTrue();
	}

	@Test
	void idsPrintAsTheirValue() {
		assertThat("Meeting " + MeetingId.of("mars")).isEqualTo("Meeting mars");
	}

}
