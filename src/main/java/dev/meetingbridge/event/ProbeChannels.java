package dev.meetingbridge.event;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The channels this instance's link probes travel on: one on a standalone Redis; on a
 * cluster one per master, each in a slot that master serves, so that every node's sharded
 * link is proved.
 */
final class ProbeChannels {

	private static final Logger logger = LoggerFactory.getLogger(ProbeChannels.class);

	private static final int SLOTS = 16384;

	private final LettuceConnectionFactory connectionFactory;

	private final boolean cluster;

	private final String prefix;

	private final String instance;

	/** The probe channels in use. */
	private volatile List<String> channels = List.of();

	/** A probe tag per cluster slot (computed on first use). */
	private @Nullable String[] slotTags;

	ProbeChannels(LettuceConnectionFactory connectionFactory, String prefix) {
		this.connectionFactory = connectionFactory;
		this.cluster = connectionFactory.isClusterAware();
		this.prefix = prefix;
		this.instance = Long.toHexString(Double.doubleToLongBits(Math.random()) ^ System.nanoTime());
	}

	boolean cluster() {
		return this.cluster;
	}

	/** The channels as last looked up. */
	List<String> current() {
		return this.channels;
	}

	/**
	 * Looks the channels up again (a cluster's masters change); {@code gone} gets each
	 * channel no longer in use. On a cluster whose masters cannot be read, the channels
	 * stay as they were.
	 */
	List<String> refresh(Consumer<String> gone) {
		if (!this.cluster) {
			if (this.channels.isEmpty()) {
				this.channels = List.of(this.prefix + "{p}:" + this.instance);
			}
			return this.channels;
		}
		List<String> wanted = new ArrayList<>();
		try {
			for (RedisClusterNode node : clusterPartitions()) {
				if (node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty()) {
					wanted.add(this.prefix + "{" + slotTag(node.getSlots().get(0)) + "}:" + this.instance);
				}
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Could not read the cluster's masters: {}", ex.getMessage());
			return this.channels;
		}
		Set<String> unused = new HashSet<>(this.channels);
		wanted.forEach(unused::remove);
		unused.forEach(gone);
		this.channels = List.copyOf(wanted);
		return this.channels;
	}

	private Partitions clusterPartitions() {
		// Lettuce's own view of the cluster, kept up to date by its topology refresh.
		return ((RedisClusterClient) this.connectionFactory.getRequiredNativeClient()).getPartitions();
	}

	/** A hash tag whose slot is the given one. */
	private String slotTag(int slot) {
		if (this.slotTags == null) {
			String[] tags = new String[SLOTS];
			int found = 0;
			for (int i = 0; found < SLOTS; i++) {
				String tag = "p" + i;
				int tagSlot = SlotHash.getSlot(tag);
				if (tags[tagSlot] == null) {
					tags[tagSlot] = tag;
					found++;
				}
			}
			this.slotTags = tags;
		}
		return this.slotTags[slot];
	}

}
