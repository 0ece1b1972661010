package dev.meetingbridge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends one command to a Redis server over a plain socket, for what a test does to Redis
 * behind the bridge's back: drop every pub/sub connection
 * ({@code CLIENT KILL TYPE pubsub}), as a network blip, a proxy restart or a failover
 * would.
 */
public final class RedisCommands {

	private RedisCommands() {
	}

	/**
	 * Drops the pub/sub connections of every client of the test Redis (each node of a
	 * cluster).
	 */
	public static void dropPubSubConnections() {
		for (String node : nodes()) {
			String[] hostAndPort = node.split(":");
			run(hostAndPort[0], Integer.parseInt(hostAndPort[1]), "CLIENT", "KILL", "TYPE", "pubsub");
		}
	}

	/** The test Redis's nodes, as host:port. */
	public static List<String> nodes() {
		if (TestRedis.cluster()) {
			return List.of(TestRedis.clusterNodes().split(","));
		}
		String url = TestRedis.url();
		String authority = url.substring(url.indexOf("://") + 3);
		return List.of(authority.contains("@") ? authority.substring(authority.indexOf('@') + 1) : authority);
	}

	/** Runs the command and returns the first line of the reply. */
	public static String run(String host, int port, String... command) {
		try (Socket socket = new Socket(host, port)) {
			socket.setSoTimeout(5_000);
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
			for (String part : command) {
				byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
				request.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			List<Byte> line = new ArrayList<>();
			for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
				line.add((byte) b);
			}
			byte[] bytes = new byte[line.size()];
			for (int i = 0; i < bytes.length; i++) {
				bytes[i] = line.get(i);
			}
			String reply = new String(bytes, StandardCharsets.UTF_8).strip();
			if (reply.startsWith("-")) {
				throw new IllegalStateException("Redis refused " + String.join(" ", command) + ": " + reply);
			}
			return reply;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
