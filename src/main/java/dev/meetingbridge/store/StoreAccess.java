package dev.meetingbridge.store;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * What a feature's store works with: the template for single commands, the meeting
 * scripts, the keys, the JSON mapper for what it stores and the contract's timestamps.
 * One bean, so that a store takes its access to Redis as one argument and its own
 * collaborators beside it.
 */
@Component
public record StoreAccess(StringRedisTemplate redis, MeetingScripts scripts, RedisKeys keys, JsonMapper json,
		Timestamps timestamps) {
}
