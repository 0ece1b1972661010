package dev.meetingbridge.meeting;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.meetingbridge.ids.MeetingId;
import dev.meetingbridge.store.RedisKeys;
import dev.meetingbridge.store.StoreAccess;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * The index of every meeting, a sorted set scored by creation time, and the meeting
 * list's pages over it, newest first. A meeting's keys expire after its retention while
 * its index entry stays: a page drops the entries whose meeting is gone as it meets them,
 * since nothing else learns when a key expires.
 */
@Component
class MeetingIndex {

	private final StoreAccess store;

	private final StringRedisTemplate redis;

	private final RedisKeys keys;

	MeetingIndex(StoreAccess store) {
		this.store = store;
		this.redis = store.redis();
		this.keys = store.keys();
	}

	void add(MeetingId meetingId, long createdAtMillis) {
		this.redis.opsForZSet().add(this.keys.meetingIndex(), meetingId.value(), createdAtMillis);
	}

	/**
	 * Up to {@code limit} meetings (of the {@code wanted} status, or any) after the
	 * position {@code after} (null: from the newest), and the cursor of the next page
	 * when there may be more.
	 */
	MeetingPage page(@Nullable MeetingStatus wanted, @Nullable Entry after, int limit) {
		List<MeetingSummary> page = new ArrayList<>();
		Entry position = after;
		List<Entry> batch;
		while (page.size() < limit && !(batch = entriesAfter(position, limit)).isEmpty()) {
			Map<String, MeetingSummary> summaries = summaries(batch);
			for (Entry entry : batch) {
				if (page.size() == limit) {
					break;
				}
				MeetingSummary summary = summaries.get(entry.id());
				if (summary != null && (wanted == null || wanted == summary.status())) {
					page.add(summary);
				}
				position = entry;
			}
		}
		boolean more = position != null && page.size() == limit && !entriesAfter(position, 1).isEmpty();
		return new MeetingPage(page, more ? MeetingCursor.encode(position) : null);
	}

	/** Index entries, newest first, from the one after the position (or the newest). */
	private List<Entry> entriesAfter(@Nullable Entry after, int count) {
		List<Entry> entries = new ArrayList<>();
		double max = (after != null) ? after.score() : Double.POSITIVE_INFINITY;
		long offset = 0;
		while (entries.size() < count) {
			var batch = this.redis.opsForZSet()
				.reverseRangeByScoreWithScores(this.keys.meetingIndex(), Double.NEGATIVE_INFINITY, max, offset, count);
			if (batch == null || batch.isEmpty()) {
				break;
			}
			for (var tuple : batch) {
				String id = tuple.getValue();
				double score = (tuple.getScore() != null) ? tuple.getScore() : 0;
				// Same-score entries come in descending member order: skip those at or
				// before the position.
				boolean seen = after != null && score == after.score() && id != null && id.compareTo(after.id()) >= 0;
				if (!seen && id != null && entries.size() < count) {
					entries.add(new Entry(id, score));
				}
			}
			offset += batch.size();
		}
		return entries;
	}

	/**
	 * The summaries of the entries' meetings by id, read in one round trip (one command
	 * at a time on Redis Cluster, which does not pipeline across slots); entries whose
	 * meeting has expired leave the index.
	 */
	private Map<String, MeetingSummary> summaries(List<Entry> entries) {
		List<String> ids = entries.stream().map(Entry::id).toList();
		List<Object> results = this.store.scripts().cluster() ? oneByOne(ids) : pipelined(ids);
		Map<String, MeetingSummary> summaries = new LinkedHashMap<>();
		for (int i = 0; i < ids.size(); i++) {
			@SuppressWarnings("unchecked")
			Map<String, String> fields = (Map<String, String>) results.get(3 * i);
			String id = ids.get(i);
			if (fields == null || fields.isEmpty()) {
				this.redis.opsForZSet().remove(this.keys.meetingIndex(), id);
				continue;
			}
			summaries.put(id,
					new MeetingSummary(id, MeetingStatus.stored(fields.get("status")),
							fields.getOrDefault("createdAt", ""), fields.get("endedAt"), (Long) results.get(3 * i + 1),
							(Long) results.get(3 * i + 2)));
		}
		return summaries;
	}

	private List<Object> oneByOne(List<String> ids) {
		List<Object> results = new ArrayList<>();
		for (String id : ids) {
			results.add(this.redis.<String, String>opsForHash().entries(this.keys.meeting(id)));
			results.add(this.redis.opsForHash().size(this.keys.participants(id)));
			results.add(this.redis.opsForHash().size(this.keys.connections(id)));
		}
		return results;
	}

	private List<Object> pipelined(List<String> ids) {
		return this.redis.executePipelined((RedisCallback<Object>) (connection) -> {
			for (String id : ids) {
				connection.hashCommands().hGetAll(bytes(this.keys.meeting(id)));
				connection.hashCommands().hLen(bytes(this.keys.participants(id)));
				connection.hashCommands().hLen(bytes(this.keys.connections(id)));
			}
			return null;
		});
	}

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

	/** A meeting's place in the index: its id and creation time in milliseconds. */
	record Entry(String id, double score) {
	}

}
