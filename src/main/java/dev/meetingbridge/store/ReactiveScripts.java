package dev.meetingbridge.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceExceptionConverter;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Runs a script through the Redis client's asynchronous API, on the same shared
 * connection as the blocking calls: {@code EVALSHA}, and {@code EVAL} when Redis does not
 * know the script yet (a new or restarted Redis). The answer completes on the client's
 * I/O thread; bulk strings come back as strings and failures as Spring's data access
 * exceptions, as the blocking template gives them.
 */
@Component
class ReactiveScripts {

	private static final LettuceExceptionConverter EXCEPTIONS = new LettuceExceptionConverter();

	private final RedisConnectionFactory connections;

	ReactiveScripts(RedisConnectionFactory connections) {
		this.connections = connections;
	}

	@SuppressWarnings("rawtypes")
	Mono<List<?>> run(RedisScript<List> script, List<String> keys, List<String> args) {
		return Mono.defer(() -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = commands();
			byte[][] keyBytes = bytes(keys);
			byte[][] argBytes = bytes(args);
			return Mono.fromCompletionStage(
					() -> commands.<List<Object>>evalsha(script.getSha1(), ScriptOutputType.MULTI, keyBytes, argBytes))
				.onErrorResume(RedisNoScriptException.class,
						(ex) -> Mono.fromCompletionStage(() -> commands.<List<Object>>eval(
								script.getScriptAsString().getBytes(StandardCharsets.UTF_8), ScriptOutputType.MULTI,
								keyBytes, argBytes)));
		}).<List<?>>map((reply) -> (List<?>) decode(reply)).onErrorMap(Exception.class, ReactiveScripts::translated);
	}

	/**
	 * The shared native connection's commands (a cluster's route each script by its
	 * keys).
	 */
	@SuppressWarnings("unchecked")
	private RedisClusterAsyncCommands<byte[], byte[]> commands() {
		try (RedisConnection connection = this.connections.getConnection()) {
			return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
		}
	}

	private static Throwable translated(Exception failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof Exception exception) {
			Throwable translated = EXCEPTIONS.convert(exception);
			return (translated != null) ? translated : cause;
		}
		return cause;
	}

	private static byte[][] bytes(List<String> values) {
		byte[][] bytes = new byte[values.size()][];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return bytes;
	}

	private static Object decode(Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof List<?> list) {
			List<Object> decoded = new ArrayList<>(list.size());
			for (Object element : list) {
				decoded.add((element != null) ? decode(element) : null);
			}
			return decoded;
		}
		return value;
	}

}
