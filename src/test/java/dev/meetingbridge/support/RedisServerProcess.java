package dev.meetingbridge.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway {@code redis-server} process on a free port, for machines without Docker
 * and for tests that must stop, freeze or restart their Redis.
 */
public final class RedisServerProcess implements AutoCloseable {

	private final int port;

	private Process process;

	private RedisServerProcess(int port) {
		this.port = port;
	}

	/** Whether a {@code redis-server} binary is on the PATH. */
	public static boolean available() {
		return binary() != null;
	}

	private static String binary() {
		String path = System.getenv("PATH");
		if (path == null) {
			return null;
		}
		for (String dir : path.split(File.pathSeparator)) {
			File candidate = new File(dir, "redis-server");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

	public static RedisServerProcess start() {
		RedisServerProcess redis = new RedisServerProcess(freePort());
		redis.startProcess();
		return redis;
	}

	/** Starts (again) on the same port, as a restarted server would be. */
	public void startProcess() {
		try {
			Path log = Files.createTempFile("redis-" + this.port, ".log");
			this.process = new ProcessBuilder(List.of(binary(), "--port", Integer.toString(this.port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start redis-server", ex);
		}
		await().atMost(Duration.ofSeconds(15)).until(this::answersPing);
	}

	public int port() {
		return this.port;
	}

	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	public long pid() {
		return this.process.pid();
	}

	/** True when the server answers PING. */
	public boolean answersPing() {
		return answersPing(this.port);
	}

	static boolean answersPing(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(1000);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			byte[] reply = new byte[7];
			int read = socket.getInputStream().read(reply);
			return read > 0 && new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Stops the server (SIGKILL), as a crash would. */
	public void kill() {
		if (this.process != null) {
			ChildProcesses.kill(this.process);
		}
	}

	@Override
	public void close() {
		kill();
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
