package dev.meetingbridge.stomp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelId;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;

/**
 * The open connections of the web server, so that a WebSocket session's socket can be
 * found by its channel id: the fan-out writes complete frames to the socket itself, on
 * its event loop. Closed connections leave the group by themselves.
 */
@Component
class StompChannels implements NettyServerCustomizer {

	private final ChannelGroup open = new DefaultChannelGroup("http", ImmediateEventExecutor.INSTANCE);

	@Override
	public HttpServer apply(HttpServer server) {
		return server.doOnConnection((connection) -> this.open.add(connection.channel()));
	}

	@Nullable Channel find(ChannelId id) {
		return this.open.find(id);
	}

}
