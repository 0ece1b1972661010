package dev.meetingbridge.event;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * A Lettuce pub/sub connection, which subscribes with plain pub/sub on a standalone Redis
 * and with sharded pub/sub on a cluster ({@code sharded}), whose channels live in its
 * nodes' slots.
 */
record PubSubConnection(StatefulRedisPubSubConnection<String, String> pubSub, boolean sharded) {

	void subscribe(String channel) {
		if (this.sharded) {
			this.pubSub.sync().ssubscribe(channel);
		}
		else {
			this.pubSub.sync().subscribe(channel);
		}
	}

	void unsubscribe(String channel) {
		if (this.sharded) {
			this.pubSub.sync().sunsubscribe(channel);
		}
		else {
			this.pubSub.sync().unsubscribe(channel);
		}
	}

	void close() {
		this.pubSub.close();
	}

	boolean closed() {
		return this.pubSub instanceof RedisChannelHandler<?, ?> handler && handler.isClosed();
	}

}
