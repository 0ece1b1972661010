package dev.meetingbridge.config;

import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;

/**
 * The DNS resolver of every Redis connection: it asks again on every connect and keeps no
 * answer, so that a Redis recreated at a new address (a container's new IP, a failover
 * behind DNS) is found on the next reconnect. Netty's resolver would otherwise keep an
 * answer for its whole TTL (600 s from Docker's DNS, a day from podman's) and reconnect
 * to the dead address until then.
 */
public final class UncachedDns {

	private UncachedDns() {
	}

	/** A resolver whose queries go over the given channel types (those of its loops). */
	public static DnsAddressResolverGroup resolver(Class<? extends DatagramChannel> datagram,
			Class<? extends SocketChannel> socket) {
		return new DnsAddressResolverGroup(new DnsNameResolverBuilder().datagramChannelType(datagram)
			.socketChannelType(socket)
			.resolveCache(NoopDnsCache.INSTANCE)
			.cnameCache(NoopDnsCnameCache.INSTANCE)
			.authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE));
	}

}
