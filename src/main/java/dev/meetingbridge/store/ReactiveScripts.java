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
 * Runs a script through the Redis client's asynchronous API: {@code EVALSHA}, and
 * {@code EVAL} when Redis does not know the script yet (a new or restarted Redis). From
 * one of the server's event loops it goes over that loop's own connection
 * ({@link LoopConnections}) and its answer completes on that loop; from anywhere else
 * (and while the loop's connection is not open) over the shared connection of the
 * blocking calls, completing on the client's I/O thread. Bulk strings come back as
 * strings and failures as Spring's data access exceptions, as the blocking template gives
 * them.
 */
@Component
class ReactiveScripts {

	private static final LettuceExceptionConverter EXCEPTIONS = new LettuceExceptionConverter();

	private final RedisConnectionFactory connections;

	private final LoopConnections loops;

	ReactiveScripts(RedisConnectionFactory connections, LoopConnections loops) {
		this.connections = connections;
		this.loops = loops;
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
	 * The current event loop's own connection's commands, else the shared native
	 * connection's (a cluster's route each script by its keys).
	 */
	@SuppressWarnings("unchecked")
	private RedisClusterAsyncCommands<byte[], byte[]> commands() {
		RedisClusterAsyncCommands<byte[], byte[]> own = this.loops.commands();
		if (own != null) {
			return own;
		}
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
