package dev.meetingbridge.presence;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A binding as Redis keeps it: written and read back in one place, and nothing else read
 * as one.
 */
class BindingTests {

	private final Binding binding = new Binding(MeetingId.of("mars"), ParticipantId.of("alice"), "host-42-ab12cd34",
			"s1");

	@Test
	void theFormsTheScriptsAndSetsKeep() {
		assertThat(this.binding.owner()).isEqualTo("host-42-ab12cd34|s1");
		assertThat(this.binding.member()).isEqualTo("mars|alice|s1");
		assertThat(this.binding.departure()).isEqualTo("mars|alice|host-42-ab12cd34|s1");
	}

	@Test
	void eachFormReadsBackAsTheBinding() {
		assertThat(Binding.ofDeparture(this.binding.departure())).contains(this.binding);
		assertThat(Binding.ofMember("host-42-ab12cd34", this.binding.member())).contains(this.binding);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "mars", "mars|alice", "mars|alice|i|s|extra", "-bad|alice|i|s", "mars|a b|i|s",
			"mars|alice||s", "mars|alice|i|" })
	void anythingElseIsNoDeparture(String entry) {
		assertThat(Binding.ofDeparture(entry)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "mars|alice", "mars|alice|s|extra", "mars|-alice|s", "mars|alice|" })
	void anythingElseIsNoMember(String member) {
		assertThat(Binding.ofMember("i", member)).isEmpty();
	}

}
