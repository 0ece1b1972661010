package dev.meetingbridge.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.meetingbridge.security.Membership;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;

/**
 * Lets a test act at an exact point of a race: right after the access rules read whether
 * a participant is a member of a meeting (say, between a SUBSCRIBE's authorisation and
 * its registration). Inert unless armed. {@link IntegrationTest} imports it, so every
 * integration test still shares one application context.
 */
public final class MembershipReads {

	private static final List<Trigger> TRIGGERS = new CopyOnWriteArrayList<>();

	/**
	 * Runs the action once, on the reading thread, right after the {@code nth} next read
	 * of the participant's membership of the meeting. The future completes when the
	 * action has run.
	 */
	public static CompletableFuture<Void> afterRead(String meetingId, String participantId, int nth, Runnable action) {
		Trigger trigger = new Trigger(meetingId, participantId, new AtomicInteger(nth), action,
				new CompletableFuture<>());
		TRIGGERS.add(trigger);
		return trigger.done();
	}

	@Bean
	static BeanPostProcessor membershipReadsHook() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof Membership membership) ? new Hooked(membership) : bean;
			}
		};
	}

	private static void fire(String meetingId, String participantId) {
		for (Trigger trigger : TRIGGERS) {
			if (trigger.meetingId().equals(meetingId) && trigger.participantId().equals(participantId)
					&& trigger.remaining().decrementAndGet() == 0 && TRIGGERS.remove(trigger)) {
				try {
					trigger.action().run();
					trigger.done().complete(null);
				}
				catch (Throwable ex) {
					trigger.done().completeExceptionally(ex);
				}
			}
		}
	}

	private record Trigger(String meetingId, String participantId, AtomicInteger remaining, Runnable action,
			CompletableFuture<Void> done) {
	}

	private record Hooked(Membership delegate) implements Membership {

		@Override
		public boolean isMember(String meetingId, String participantId) {
			boolean member = this.delegate.isMember(meetingId, participantId);
			fire(meetingId, participantId);
			return member;
		}

		@Override
		public Map<String, String> openConnections(String meetingId) {
			return this.delegate.openConnections(meetingId);
		}

	}

}
