package dev.meetingbridge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * A local three-master Redis Cluster of {@code redis-server} processes, formed with
 * {@code redis-cli --cluster create}.
 */
public final class RedisClusterProcesses implements AutoCloseable {

	private final List<Process> processes = new ArrayList<>();

	private final List<Integer> ports = new ArrayList<>();

	private RedisClusterProcesses() {
	}

	public static RedisClusterProcesses start() {
		RedisClusterProcesses cluster = new RedisClusterProcesses();
		try {
			Path dir = Files.createTempDirectory("redis-cluster");
			for (int i = 0; i < 3; i++) {
				int port = RedisServerProcess.freePort();
				cluster.ports.add(port);
				cluster.processes
					.add(new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind",
							"127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
							"--dir", dir.toString(), "--save", "", "--appendonly", "no"))
						.redirectErrorStream(true)
						.redirectOutput(dir.resolve("redis-" + port + ".log").toFile())
						.start());
			}
			for (int port : cluster.ports) {
				await().atMost(Duration.ofSeconds(15)).until(() -> RedisServerProcess.answersPing(port));
			}
			List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
			cluster.ports.forEach((port) -> create.add("127.0.0.1:" + port));
			create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			Process former = new ProcessBuilder(create).redirectErrorStream(true)
				.redirectOutput(dir.resolve("create.log").toFile())
				.start();
			if (former.waitFor() != 0) {
				throw new IllegalStateException("redis-cli --cluster create failed: see " + dir.resolve("create.log"));
			}
			await().atMost(Duration.ofSeconds(30)).until(cluster::everyNodeSeesStateOk);
			return cluster;
		}
		catch (IOException ex) {
			cluster.close();
			throw new UncheckedIOException("Cannot start a Redis Cluster", ex);
		}
		catch (InterruptedException ex) {
			cluster.close();
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private boolean everyNodeSeesStateOk() throws IOException, InterruptedException {
		for (int port : this.ports) {
			Process info = new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "cluster", "info").start();
			String text = new String(info.getInputStream().readAllBytes());
			info.waitFor();
			if (!text.contains("cluster_state:ok")) {
				return false;
			}
		}
		return true;
	}

	/** The value for {@code spring.data.redis.cluster.nodes}. */
	public String nodes() {
		return this.ports.stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(","));
	}

	@Override
	public void close() {
		this.processes.forEach(Process::destroyForcibly);
	}

}
