package dev.meetingbridge.support;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one place tests get their shared Redis from: a Testcontainers {@code redis:7}
 * container when Docker is available, otherwise a {@code redis-server} process on a free
 * port, otherwise {@code BRIDGE_TEST_REDIS_URL}. Started once per test JVM and stopped
 * when it exits.
 * <p>
 * With the system property {@code bridge.test.redis=cluster} it is a local three-master
 * Redis Cluster instead, so the same integration tests prove the cluster path.
 */
public final class TestRedis {

	private static String url;

	private static String clusterNodes;

	private TestRedis() {
	}

	public static boolean cluster() {
		return "cluster".equals(System.getProperty("bridge.test.redis"));
	}

	/** The Spring properties that point the bridge at the test Redis. */
	public static void register(org.springframework.test.context.DynamicPropertyRegistry registry) {
		if (cluster()) {
			registry.add("spring.data.redis.cluster.nodes", TestRedis::clusterNodes);
		}
		else {
			registry.add("spring.data.redis.url", TestRedis::url);
		}
	}

	/**
	 * The same, as {@code name=value} arguments for a second application context or a
	 * child JVM.
	 */
	public static java.util.List<String> arguments() {
		return cluster() ? java.util.List.of("--spring.data.redis.cluster.nodes=" + clusterNodes())
				: java.util.List.of("--spring.data.redis.url=" + url());
	}

	public static synchronized String clusterNodes() {
		if (clusterNodes == null) {
			RedisClusterProcesses cluster = RedisClusterProcesses.start();
			Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
			clusterNodes = cluster.nodes();
			System.out.println("Test Redis: a local three-master cluster at " + clusterNodes);
		}
		return clusterNodes;
	}

	public static synchronized String url() {
		if (url == null) {
			url = start();
			System.out.println("Test Redis: " + url);
		}
		return url;
	}

	private static String start() {
		String configured = System.getenv("BRIDGE_TEST_REDIS_URL");
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		if (!"false".equals(System.getenv("BRIDGE_TEST_DOCKER")) && dockerAvailable()) {
			GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
				.withExposedPorts(6379);
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
			return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
		}
		if (RedisServerProcess.available()) {
			RedisServerProcess process = RedisServerProcess.start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::close));
			return process.url();
		}
		throw new IllegalStateException(
				"Tests need Redis: install Docker or redis-server, or set BRIDGE_TEST_REDIS_URL");
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

}
