package dev.meetingbridge.stomp;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session's subscriptions, by id: to meeting topics, and to its own error and
 * switch-meeting queues. An id names one subscription at a time: subscribing again under
 * it replaces what it named. Everything that adds or ends one goes through here.
 */
final class SessionSubscriptions {

	private final Map<String, Subscription> topics = new ConcurrentHashMap<>();

	private final Set<String> errorQueue = ConcurrentHashMap.newKeySet();

	private final Set<String> switchQueue = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	/** Whether the id names a subscription already. */
	boolean has(String id) {
		return this.topics.containsKey(id) || this.errorQueue.contains(id) || this.switchQueue.contains(id);
	}

	/** Topic and queue subscriptions together. */
	int count() {
		return this.topics.size() + this.errorQueue.size() + this.switchQueue.size();
	}

	int topicCount() {
		return this.topics.size();
	}

	/** The ids of the topic subscriptions. */
	Set<String> topicIds() {
		return Collections.unmodifiableSet(this.topics.keySet());
	}

	/** The ids of the subscriptions to the session's error queue. */
	Set<String> errorQueue() {
		return Collections.unmodifiableSet(this.errorQueue);
	}

	/** The ids of the subscriptions to the session's switch-meeting queue. */
	Set<String> switchQueue() {
		return Collections.unmodifiableSet(this.switchQueue);
	}

	void followErrorQueue(String id) {
		end(id);
		this.errorQueue.add(id);
	}

	void followSwitchQueue(String id) {
		end(id);
		this.switchQueue.add(id);
	}

	/** The session is gone: no subscription can be added any more. */
	boolean closed() {
		return this.closed;
	}

	/**
	 * Adds a topic subscription in place of whatever its id named; one added as the
	 * session closes is closed at once.
	 */
	void add(Subscription subscription) {
		String id = subscription.id();
		this.errorQueue.remove(id);
		this.switchQueue.remove(id);
		Subscription replaced = this.topics.put(id, subscription);
		if (replaced != null) {
			replaced.close();
		}
		if (this.closed) {
			remove(subscription);
			subscription.close();
		}
	}

	/**
	 * Takes the subscription out (it is being dropped), unless its id names another by
	 * now.
	 */
	void remove(Subscription subscription) {
		this.topics.remove(subscription.id(), subscription);
	}

	/** UNSUBSCRIBE: ends whatever the id names. */
	void end(String id) {
		Subscription subscription = this.topics.remove(id);
		if (subscription != null) {
			subscription.close();
		}
		this.errorQueue.remove(id);
		this.switchQueue.remove(id);
	}

	/** The session closed: every subscription ends. */
	void closeAll() {
		this.closed = true;
		this.topics.values().forEach(Subscription::close);
		this.topics.clear();
	}

}
