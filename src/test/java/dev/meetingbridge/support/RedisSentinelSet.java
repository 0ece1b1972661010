package dev.meetingbridge.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A Redis master, one replica and one Sentinel, as {@code redis-server} processes, for
 * failover tests: the replica replicates through a {@link TcpGate}, so a test can cut
 * replication, write what the replica will never see, kill the master and watch Sentinel
 * promote the replica without it.
 */
public final class RedisSentinelSet implements AutoCloseable {

	private static final String MASTER_NAME = "bridge-test";

	// Sentinel "fixes" a replica that replicates from another address than the master's
	// (ours does: the gate's port) once failover-timeout has passed (+fix-slave-config),
	// which would route replication around the gate: this is longer than any test.
	// It bounds the steps of a failover, not its start, and with one replica there is
	// nothing else to wait for; only a failover that fails waits twice this to retry.
	private static final Duration FAILOVER_TIMEOUT = Duration.ofMinutes(10);

	private final Path dir;

	private final int masterPort = RedisServerProcess.freePort();

	private final int replicaPort = RedisServerProcess.freePort();

	private final int sentinelPort = RedisServerProcess.freePort();

	private final List<Process> processes = new ArrayList<>();

	private Process master;

	private TcpGate gate;

	private RedisSentinelSet(Path dir) {
		this.dir = dir;
	}

	/**
	 * Starts the master, the replica (through the gate) and Sentinel, and waits until the
	 * replica is in sync and Sentinel knows it.
	 */
	public static RedisSentinelSet start() {
		RedisSentinelSet set;
		try {
			set = new RedisSentinelSet(Files.createTempDirectory("redis-sentinel"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			set.startProcesses();
			return set;
		}
		catch (RuntimeException | IOException ex) {
			set.close();
			throw new IllegalStateException("Cannot start Redis with Sentinel: see the logs in " + set.dir, ex);
		}
	}

	private void startProcesses() throws IOException {
		// Otherwise the master waits five seconds for more replicas before the first
		// sync.
		this.master = server(this.masterPort, List.of("--repl-diskless-sync-delay", "0"));
		await("master on " + this.masterPort).atMost(Duration.ofSeconds(15))
			.until(() -> RedisServerProcess.answersPing(this.masterPort));
		this.gate = TcpGate.to("127.0.0.1", this.masterPort);
		// The master sees the replica come from the gate; the announced address is where
		// Sentinel (and a failed-over client) finds it.
		server(this.replicaPort, List.of("--replicaof", "127.0.0.1", Integer.toString(this.gate.port()),
				"--replica-announce-ip", "127.0.0.1", "--replica-announce-port", Integer.toString(this.replicaPort)));
		await("replica on " + this.replicaPort + " in sync").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> info(this.replicaPort, "replication").contains("master_link_status:up"));
		// Started last, Sentinel finds the replica in the master's first INFO reply
		// instead of ten seconds later.
		Path conf = this.dir.resolve("sentinel.conf");
		Files.writeString(conf, """
				port %d
				bind 127.0.0.1
				protected-mode no
				dir %s
				sentinel monitor %s 127.0.0.1 %d 1
				sentinel down-after-milliseconds %3$s 2000
				sentinel failover-timeout %3$s %d
				sentinel parallel-syncs %3$s 1
				""".formatted(this.sentinelPort, this.dir, MASTER_NAME, this.masterPort, FAILOVER_TIMEOUT.toMillis()));
		start(this.sentinelPort, List.of("redis-server", conf.toString(), "--sentinel"));
		await("Sentinel on " + this.sentinelPort + " knows the replica").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(this::sentinelKnowsReplica);
	}

	private Process server(int port, List<String> extra) throws IOException {
		List<String> command = new ArrayList<>(
				List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode",
						"no", "--save", "", "--appendonly", "no", "--dir", this.dir.toString()));
		command.addAll(extra);
		return start(port, command);
	}

	private Process start(int port, List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve("redis-" + port + ".log").toFile())
			.start();
		this.processes.add(process);
		return process;
	}

	private boolean sentinelKnowsReplica() throws IOException {
		for (Object replica : (List<?>) command(this.sentinelPort, "SENTINEL", "REPLICAS", MASTER_NAME)) {
			Map<String, String> fields = fields((List<?>) replica);
			if (Integer.toString(this.replicaPort).equals(fields.get("port")) && "slave".equals(fields.get("flags"))
					&& "ok".equals(fields.get("master-link-status"))) {
				return true;
			}
		}
		return false;
	}

	private static Map<String, String> fields(List<?> flat) {
		Map<String, String> fields = new HashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			fields.put((String) flat.get(i), (String) flat.get(i + 1));
		}
		return fields;
	}

	/** The name Sentinel monitors the master by. */
	public String masterName() {
		return MASTER_NAME;
	}

	/** The value for {@code spring.data.redis.sentinel.nodes}. */
	public String sentinelNodes() {
		return "127.0.0.1:" + this.sentinelPort;
	}

	/** The Spring properties that point a bridge at this master through Sentinel. */
	public List<String> bridgeArguments() {
		return List.of("--spring.data.redis.sentinel.master=" + MASTER_NAME,
				"--spring.data.redis.sentinel.nodes=" + sentinelNodes());
	}

	public int masterPort() {
		return this.masterPort;
	}

	public int replicaPort() {
		return this.replicaPort;
	}

	/** The port of the master as Sentinel names it now. */
	public int currentMasterPort() {
		try {
			List<?> address = (List<?>) command(this.sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
			return Integer.parseInt((String) address.get(1));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits until everything written to the master so far is on the replica. */
	public void awaitReplicated() {
		// Sentinel publishes its hello on the master every two seconds, and each one
		// moves the offset on: the replica has to reach the offset read now, not to
		// equal a moving one.
		long written = offset(this.masterPort);
		await("replica on " + this.replicaPort + " at offset " + written + " (logs: " + this.dir + ")")
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> offset(this.replicaPort) >= written);
	}

	private static long offset(int port) {
		return info(port, "replication").lines()
			.filter((line) -> line.startsWith("master_repl_offset:"))
			.mapToLong((line) -> Long.parseLong(line.substring(line.indexOf(':') + 1).strip()))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * Cuts the replica off its master for good (until the set is closed): what the master
	 * takes from now on never reaches the replica. Kill the master within twenty seconds
	 * of this, or Sentinel finds the replica's data too old to promote it (ten times
	 * down-after-milliseconds).
	 */
	public void cutReplication() {
		String replication = info(this.replicaPort, "replication");
		if (!replication.contains("master_port:" + this.gate.port() + "\r\n")) {
			throw new IllegalStateException("The replica no longer replicates through the gate:\n" + replication);
		}
		this.gate.shut();
		RedisCommands.run("127.0.0.1", this.masterPort, "CLIENT", "KILL", "TYPE", "replica");
		await("replica on " + this.replicaPort + " cut off (logs: " + this.dir + ")").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> info(this.replicaPort, "replication").contains("master_link_status:down"));
	}

	/** SIGKILL to the master, as a crash would. */
	public void killMaster() {
		ChildProcesses.kill(this.master);
	}

	/** Waits until Sentinel has promoted the replica and the replica acts as master. */
	public void awaitFailover(Duration within) {
		await("Sentinel promotes the replica on " + this.replicaPort + " (logs: " + this.dir + ")").atMost(within)
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> currentMasterPort() == this.replicaPort
					&& info(this.replicaPort, "replication").contains("role:master"));
	}

	/**
	 * After a failover, a new replica of the promoted master (what an operator adds back,
	 * or Sentinel makes of the old master when it returns); waits until it is in sync.
	 * @return its port
	 */
	public int addReplica() {
		int port = RedisServerProcess.freePort();
		try {
			server(port, List.of("--replicaof", "127.0.0.1", Integer.toString(currentMasterPort())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		await("new replica on " + port + " in sync (logs: " + this.dir + ")").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(100))
			.ignoreExceptions()
			.until(() -> info(port, "replication").contains("master_link_status:up"));
		return port;
	}

	/** The whole reply to {@code INFO section} from the server on the port. */
	public static String info(int port, String section) {
		try {
			return (String) command(port, "INFO", section);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	// RedisCommands reads one line; INFO and SENTINEL answer in bulk strings and arrays.
	private static Object command(int port, String... command) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(5_000);
			OutputStream out = socket.getOutputStream();
			StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
			for (String part : command) {
				request.append('$')
					.append(part.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(part)
					.append("\r\n");
			}
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			return reply(new BufferedInputStream(socket.getInputStream()), String.join(" ", command));
		}
	}

	private static Object reply(InputStream in, String command) throws IOException {
		String line = line(in);
		String rest = line.substring(1);
		return switch (line.charAt(0)) {
			case '+', ':' -> rest;
			case '-' -> throw new IllegalStateException("Redis refused " + command + ": " + rest);
			case '$' -> {
				int length = Integer.parseInt(rest);
				if (length < 0) {
					yield null;
				}
				byte[] bytes = in.readNBytes(length + 2);
				yield new String(bytes, 0, length, StandardCharsets.UTF_8);
			}
			case '*' -> {
				int count = Integer.parseInt(rest);
				List<Object> elements = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					elements.add(reply(in, command));
				}
				yield (count < 0) ? null : elements;
			}
			default -> throw new IllegalStateException("Unexpected reply to " + command + ": " + line);
		};
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("Connection closed mid-reply");
			}
			line.write(b);
		}
		return line.toString(StandardCharsets.UTF_8).strip();
	}

	@Override
	public void close() {
		this.processes.forEach(ChildProcesses::kill);
		if (this.gate != null) {
			this.gate.close();
		}
	}

}
