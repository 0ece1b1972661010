package dev.meetingbridge.switching;

import java.util.function.Consumer;

import org.springframework.stereotype.Component;

/**
 * Where a test may stop a move between its two halves (after the participant left, before
 * it joins), to prove that another instance finishes or undoes it. Does nothing unless a
 * test sets it.
 */
@Component
class SwitchHook {

	private volatile Consumer<String> afterLeave = (switchId) -> {
	};

	void afterLeave(Consumer<String> action) {
		this.afterLeave = action;
	}

	void leftFirstMeeting(String switchId) {
		this.afterLeave.accept(switchId);
	}

}
