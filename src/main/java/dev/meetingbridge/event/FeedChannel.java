package dev.meetingbridge.event;

import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A meeting's pub/sub channel as its feed receives it: each message read as an event and
 * handed to the feed; each confirmation of the subscription, which follows every
 * reconnect, makes the feed catch up.
 */
final class FeedChannel implements PubSubLink.Receiver {

	private static final Logger logger = LoggerFactory.getLogger(EventRelay.class);

	private final MeetingFeed feed;

	private final EventJson json;

	private final PubSubLink link;

	/** Where subscribing again waits for Redis, off the I/O thread. */
	private final Executor offIoThread;

	FeedChannel(MeetingFeed feed, EventJson json, PubSubLink link, Executor offIoThread) {
		this.feed = feed;
		this.json = json;
		this.link = link;
		this.offIoThread = offIoThread;
	}

	@Override
	public void message(String channel, String message) {
		ReceivedEvent received = this.json.read(message);
		if (received == null) {
			logger.warn("Ignoring an unreadable event on {}", channel);
			return;
		}
		this.feed.accept(received);
	}

	@Override
	public void subscribed(String channel) {
		this.feed.resubscribed();
	}

	/**
	 * Redis dropped a subscription still needed: subscribing again makes the feed catch
	 * up once confirmed.
	 */
	@Override
	public void dropped(String channel) {
		this.offIoThread.execute(() -> {
			logger.info("Redis dropped the subscription to meeting {}; subscribing again", this.feed.meetingId());
			try {
				this.link.resubscribe(channel);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not subscribe to meeting {} again: {}", this.feed.meetingId(), ex.getMessage());
			}
		});
	}

}
