package dev.meetingbridge.switching;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.meetingbridge.event.EventRelay;
import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.ids.ParticipantId;
import dev.meetingbridge.presence.PresenceService;
import dev.meetingbridge.store.ScriptSource;
import dev.meetingbridge.store.StoreAccess;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Reaches a participant's STOMP sessions on every instance: this instance's directly, the
 * others' through each live instance's inbox channel (Redis pub/sub), each answering how
 * many sessions it reached. A move's message also carries the binding that moved, so that
 * the instance holding its session rebinds it to the new meeting.
 * <p>
 * An instance that does not answer within {@link #ANSWER_WAIT} counts as having reached
 * none.
 */
@Component
class SwitchInbox implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(SwitchInbox.class);

	static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

	private final EventRelay relay;

	private final StoreAccess store;

	private final PresenceService presence;

	private final SwitchRecipients recipients;

	private final RedisScript<Long> publish;

	private final Map<String, Answers> waiting = new ConcurrentHashMap<>();

	/** Messages arrive on the Redis I/O thread; handling them waits for Redis. */
	private final ExecutorService handling = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("switch-inbox-", 0).factory());

	SwitchInbox(EventRelay relay, StoreAccess store, PresenceService presence, SwitchRecipients recipients) {
		this.relay = relay;
		this.store = store;
		this.presence = presence;
		this.recipients = recipients;
		String command = store.scripts().cluster() ? "SPUBLISH" : "PUBLISH";
		this.publish = RedisScript.of(ScriptSource.read("inbox-publish").replace("__PUBLISH__", command), Long.class);
	}

	/** A binding that moved from one meeting to another with its participant. */
	record Rebind(String binding, String from, String to) {
	}

	/**
	 * What travels between instances: a message to deliver ({@code deliver}) or how many
	 * sessions one reached ({@code delivered}).
	 */
	record Envelope(String kind, String requestId, String replyTo, String participantId, String message,
			@Nullable Rebind rebind, int sessions) {
	}

	private static final class Answers {

		private final Semaphore arrived = new Semaphore(0);

		private final AtomicInteger sessions = new AtomicInteger();

	}

	/** Subscribes this instance's inbox (nothing when it is subscribed already). */
	void listen() {
		this.relay.subscribeInbox(inbox(this.presence.instance()), this::received);
	}

	/**
	 * Delivers the message to the participant's live sessions on every instance; how many
	 * it reached.
	 */
	int deliver(ParticipantId participantId, String message, @Nullable Rebind rebind) {
		listen();
		String requestId = UUID.randomUUID().toString();
		String self = this.presence.instance();
		Envelope envelope = new Envelope("deliver", requestId, inbox(self), participantId.value(), message, rebind, 0);
		Answers answers = new Answers();
		this.waiting.put(requestId, answers);
		try {
			String text = this.store.json().writeValueAsString(envelope);
			int expected = 0;
			Set<String> instances = this.presence.liveInstances();
			for (String other : instances) {
				if (!other.equals(self) && publish(inbox(other), text) > 0) {
					expected++;
				}
			}
			int reached = handle(envelope);
			if (expected > 0 && !answers.arrived.tryAcquire(expected, ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Switch: not every instance said how many sessions of {} it reached", participantId);
			}
			return reached + answers.sessions.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return answers.sessions.get();
		}
		finally {
			this.waiting.remove(requestId);
		}
	}

	private long publish(String channel, String text) {
		Long received = this.store.redis().execute(this.publish, List.of(channel), text);
		return (received != null) ? received : 0;
	}

	/** This instance's part: the binding moves, then its sessions get the message. */
	private int handle(Envelope envelope) {
		ParticipantId participantId = new ParticipantId(envelope.participantId());
		Rebind rebind = envelope.rebind();
		if (rebind != null) {
			this.presence.rebind(rebind.binding(), new MeetingId(rebind.from()), new MeetingId(rebind.to()),
					participantId);
		}
		return this.recipients.deliver(participantId.value(), envelope.message().getBytes(StandardCharsets.UTF_8));
	}

	private void received(String channel, String text) {
		this.handling.execute(() -> {
			try {
				Envelope envelope = this.store.json().readValue(text, Envelope.class);
				if ("delivered".equals(envelope.kind())) {
					Answers answers = this.waiting.get(envelope.requestId());
					if (answers != null) {
						answers.sessions.addAndGet(envelope.sessions());
						answers.arrived.release();
					}
					return;
				}
				int reached = handle(envelope);
				publish(envelope.replyTo(),
						this.store.json()
							.writeValueAsString(new Envelope("delivered", envelope.requestId(), "",
									envelope.participantId(), "", null, reached)));
			}
			catch (JacksonException ex) {
				logger.warn("Ignoring an unreadable message on {}", channel);
			}
			catch (DataAccessException ex) {
				logger.warn("Could not handle a switch message: {}", ex.getMessage());
			}
		});
	}

	private String inbox(String instance) {
		return this.store.keys().instanceInbox(instance);
	}

	@Override
	public void destroy() {
		this.handling.shutdownNow();
	}

}
