package dev.meetingbridge.store;

import java.net.SocketAddress;

import dev.meetingbridge.config.UncachedDns;
import io.lettuce.core.ConnectionBuilder;
import io.lettuce.core.ConnectionEvents;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.ClientResources;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A Redis client whose connections (and their reconnects) live on one given event loop of
 * the server, with that loop's transport: a command sent from that loop is written there
 * at once and its answer is read and handled there, where the client's own event loops
 * would take the command over from the server's thread and hand the answer back, waking a
 * thread each way. Everything else (handshake, authentication, reconnects, the client's
 * options and timeouts) is the Redis client's own.
 */
final class LoopBoundClient extends RedisClient {

	private final EventLoop loop;

	private final Transport transport;

	private final DnsAddressResolverGroup resolver;

	private LoopBoundClient(ClientResources resources, RedisURI uri, EventLoop loop, Transport transport) {
		super(resources, uri);
		this.loop = loop;
		this.transport = transport;
		// Redis's name is resolved again on every connect (as the shared client does), on
		// this loop's transport.
		this.resolver = UncachedDns.resolver(transport.datagram(), transport.socket());
	}

	/**
	 * A client for the given loop, or {@code null} when its transport is not one the
	 * client knows how to open sockets on.
	 */
	static @Nullable LoopBoundClient on(EventLoop loop, ClientResources resources, RedisURI uri) {
		Transport transport = Transport.of(loop);
		return (transport != null) ? new LoopBoundClient(resources, uri, loop, transport) : null;
	}

	/**
	 * What the Redis client's own set-up of a connection does (its bootstrap's options,
	 * the channel group, the connection's events and addresses), with this loop and its
	 * transport instead of the client's loops and epoll; a bootstrap takes its loop and
	 * channel type only once, so they cannot be changed afterwards. Left out: Unix domain
	 * sockets, extended TCP keep-alive and user time-out options (not configured here),
	 * and listeners of the client's own connection events (none is added to this client).
	 */
	@Override
	protected void connectionBuilder(Mono<SocketAddress> socketAddressSupplier, ConnectionBuilder connectionBuilder,
			ConnectionEvents connectionEvents, RedisURI redisURI) {
		Bootstrap bootstrap = new Bootstrap();
		bootstrap.option(ChannelOption.ALLOCATOR, ByteBufAllocator.DEFAULT);
		connectionBuilder.bootstrap(bootstrap);
		connectionBuilder.apply(redisURI);
		SocketOptions socket = getOptions().getSocketOptions();
		bootstrap.resolver(this.resolver)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(socket.getConnectTimeout().toMillis()))
			.option(ChannelOption.SO_KEEPALIVE, socket.isKeepAlive())
			.option(ChannelOption.TCP_NODELAY, socket.isTcpNoDelay())
			.channel(this.transport.socket())
			.group(this.loop);
		connectionBuilder.channelGroup(this.channels)
			.connectionEvents(connectionEvents)
			.socketAddressSupplier(socketAddressSupplier);
	}

	@Override
	public void shutdown() {
		super.shutdown();
		this.resolver.close();
	}

	/** The socket and datagram channels of an event loop's kind of I/O. */
	private record Transport(Class<? extends SocketChannel> socket, Class<? extends DatagramChannel> datagram) {

		static @Nullable Transport of(EventLoop loop) {
			if (!(loop instanceof IoEventLoop io)) {
				return null;
			}
			if (io.isIoType(IoUringIoHandler.class)) {
				return new Transport(IoUringSocketChannel.class, IoUringDatagramChannel.class);
			}
			if (io.isIoType(EpollIoHandler.class)) {
				return new Transport(EpollSocketChannel.class, EpollDatagramChannel.class);
			}
			if (io.isIoType(NioIoHandler.class)) {
				return new Transport(NioSocketChannel.class, NioDatagramChannel.class);
			}
			return null;
		}

	}

	/** For logs: the loop's thread. */
	@Override
	public String toString() {
		return "Redis client on " + this.loop;
	}

}
