package dev.meetingbridge.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.security.auth.module.UnixSystem;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A bridge in a child JVM (this JVM's java and class path), against the shared test Redis
 * (or one the test names) and with the test secret, so that a test can kill it as a crash
 * would: no shutdown hook, no graceful stop.
 */
public final class BridgeProcess implements RunningBridge, AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final int port;

	private final Path log;

	private BridgeProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts a bridge and waits until it is ready; {@code properties} are
	 * {@code name=value} pairs, such as {@code bridge.presence.lease-ttl=3s}.
	 */
	public static BridgeProcess start(String... properties) {
		return startWith(TestRedis.arguments(), null, properties);
	}

	/**
	 * Starts a bridge on the Redis that {@code redisArguments} point it at
	 * ({@link RedisSentinelSet#bridgeArguments()}, say) and waits until it is ready. With
	 * a {@code resolvConf}, the bridge resolves names through that file's servers alone
	 * ({@link Dnsmasq#resolvConf()}, say): see {@link #canUseOwnResolver()}.
	 */
	public static BridgeProcess startWith(List<String> redisArguments, @Nullable Path resolvConf,
			String... properties) {
		int port = RedisServerProcess.freePort();
		List<String> command = new ArrayList<>();
		if (resolvConf != null) {
			// The resolv.conf is bind-mounted in a mount namespace of the child's own, so
			// nothing else on the machine sees it. unshare and sh exec the JVM in turn:
			// the process this class holds, and kills, is the JVM itself.
			command.addAll(List.of("unshare", "--mount", "sh", "-c",
					"mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()));
		}
		command.add(ProcessHandle.current().info().command().orElseThrow());
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add("dev.meetingbridge.MeetingBridgeApplication");
		command.add("--server.port=" + port);
		command.addAll(redisArguments);
		command.add("--bridge.security.jwt-secret=" + IntegrationTest.SECRET);
		for (String property : properties) {
			command.add("--" + property);
		}
		try {
			Path log = Files.createTempFile("bridge-child-" + port + "-", ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			// Should this JVM die before the test kills the child, the child goes with
			// it.
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
			BridgeProcess bridge = new BridgeProcess(process, port, log);
			try {
				await("child bridge on port " + port + " ready (log: " + log + ")").atMost(Duration.ofSeconds(120))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> {
						if (!process.isAlive()) {
							throw new IllegalStateException("The child bridge exited: see " + log);
						}
						return bridge.ready();
					});
			}
			catch (RuntimeException ex) {
				bridge.close();
				throw ex;
			}
			return bridge;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start a child bridge", ex);
		}
	}

	/**
	 * Whether a child can have a resolver of its own: that takes {@code unshare} and
	 * root, for the mount namespace and the bind mount.
	 */
	public static boolean canUseOwnResolver() {
		return new UnixSystem().getUid() == 0 && onPath("unshare") && onPath("mount");
	}

	private static boolean onPath(String program) {
		String path = System.getenv("PATH");
		return path != null
				&& Arrays.stream(path.split(File.pathSeparator)).anyMatch((dir) -> new File(dir, program).canExecute());
	}

	/** Whether {@code /actuator/health/readiness} answers 200. */
	public boolean ready() {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
				.timeout(Duration.ofSeconds(2))
				.build();
			return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	public long pid() {
		return this.process.pid();
	}

	@Override
	public int port() {
		return this.port;
	}

	public Path log() {
		return this.log;
	}

	/**
	 * SIGKILL, as a crash (or the OOM killer) would: nothing of the bridge runs
	 * afterwards.
	 */
	public void kill() {
		ChildProcesses.kill(this.process);
	}

	@Override
	public void close() {
		kill();
	}

}
