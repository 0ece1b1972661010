package dev.meetingbridge.support;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.sun.security.auth.module.UnixSystem;

import static org.awaitility.Awaitility.await;

/**
 * A private DNS server ({@code dnsmasq}) answering one name with an address the test
 * chooses and changes, standing in for Docker's embedded DNS when a container comes back
 * with a new address; a child process uses it through {@link #resolvConf()}.
 */
public final class Dnsmasq implements AutoCloseable {

	// A resolv.conf names a server without a port, so it must be 53: on a loopback
	// address of its own, clear of systemd-resolved's 127.0.0.53 and of other instances.
	private static final List<String> ADDRESSES = List.of("127.0.0.77", "127.0.0.78", "127.0.0.79", "127.0.0.80",
			"127.0.0.81", "127.0.0.82", "127.0.0.83", "127.0.0.84");

	private static final Duration ANSWERED = Duration.ofSeconds(15);

	private final String serverAddress;

	private final Path dir;

	private final Path hosts;

	private final Path log;

	private final Path resolvConf;

	private Process process;

	private Dnsmasq(String serverAddress, Path dir) {
		this.serverAddress = serverAddress;
		this.dir = dir;
		this.hosts = dir.resolve("hosts");
		this.log = dir.resolve("dnsmasq.log");
		this.resolvConf = dir.resolve("resolv.conf");
	}

	/**
	 * Whether dnsmasq is installed and this JVM runs as root, as binding port 53 takes.
	 */
	public static boolean available() {
		return binary() != null && new UnixSystem().getUid() == 0;
	}

	private static String binary() {
		List<String> dirs = new ArrayList<>(List.of("/usr/sbin", "/sbin"));
		String path = System.getenv("PATH");
		if (path != null) {
			dirs.addAll(List.of(path.split(File.pathSeparator)));
		}
		for (String dir : dirs) {
			File candidate = new File(dir, "dnsmasq");
			if (candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		return null;
	}

	/**
	 * Starts answering {@code name} with {@code address} (IPv4), and waits until it does.
	 */
	public static Dnsmasq start(String name, String address) {
		String binary = binary();
		if (binary == null) {
			throw new IllegalStateException("dnsmasq is not installed (Debian: dnsmasq-base)");
		}
		Dnsmasq dnsmasq;
		try {
			dnsmasq = new Dnsmasq(freeAddress(), Files.createTempDirectory("dnsmasq"));
			Files.writeString(dnsmasq.resolvConf, "nameserver " + dnsmasq.serverAddress + "\noptions ndots:0\n");
			Files.writeString(dnsmasq.hosts, address + " " + name + "\n");
			// --user=root: dropped to nobody, it could not read the hosts file again in a
			// private temp dir; answers carry a TTL of 600 s, as Docker's DNS's do.
			dnsmasq.process = new ProcessBuilder(binary, "--keep-in-foreground", "--no-daemon",
					"--listen-address=" + dnsmasq.serverAddress, "--bind-interfaces", "--port=53", "--no-resolv",
					"--no-hosts", "--no-poll", "--addn-hosts=" + dnsmasq.hosts, "--local-ttl=600",
					"--log-facility=" + dnsmasq.log, "--log-queries", "--pid-file=", "--user=root")
				.redirectErrorStream(true)
				.redirectOutput(dnsmasq.dir.resolve("dnsmasq.out").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start dnsmasq", ex);
		}
		try {
			dnsmasq.awaitAnswer(name, address);
		}
		catch (RuntimeException ex) {
			dnsmasq.close();
			throw ex;
		}
		return dnsmasq;
	}

	private static String freeAddress() {
		for (String address : ADDRESSES) {
			try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 53))) {
				return address;
			}
			catch (SocketException ex) {
				// taken: the next one
			}
		}
		throw new IllegalStateException("Port 53 is taken on each of " + ADDRESSES);
	}

	/**
	 * Answers {@code name} with {@code address} from now on, and waits until it does.
	 */
	public void answer(String name, String address) {
		try {
			Files.writeString(this.hosts, address + " " + name + "\n");
			// SIGHUP: dnsmasq reads its --addn-hosts files again and empties its cache.
			Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(this.process.pid())).inheritIO().start();
			if (hup.waitFor() != 0) {
				throw new IllegalStateException("kill -HUP " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		awaitAnswer(name, address);
	}

	private void awaitAnswer(String name, String address) {
		await(this.serverAddress + " answers " + name + " with " + address + " (logs: " + this.dir + ")")
			.atMost(ANSWERED)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(
							"dnsmasq exited: " + Files.readString(this.dir.resolve("dnsmasq.out")));
				}
				return address.equals(resolve(name));
			});
	}

	/** The address of the first A record the server answers for the name, or null. */
	private String resolve(String name) {
		try (DatagramSocket socket = new DatagramSocket()) {
			socket.setSoTimeout(1_000);
			int id = ThreadLocalRandom.current().nextInt(0x10000);
			byte[] query = query(id, name);
			socket.send(new DatagramPacket(query, query.length, InetAddress.getByName(this.serverAddress), 53));
			byte[] buffer = new byte[512];
			DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
			socket.receive(packet);
			return firstA(ByteBuffer.wrap(buffer, 0, packet.getLength()), id);
		}
		catch (IOException ex) {
			return null;
		}
	}

	// One question, class IN, type A, recursion desired: what a stub resolver asks.
	private static byte[] query(int id, String name) {
		ByteArrayOutputStream query = new ByteArrayOutputStream();
		query.writeBytes(new byte[] { (byte) (id >> 8), (byte) id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 });
		for (String label : name.split("\\.")) {
			byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
			query.write(bytes.length);
			query.writeBytes(bytes);
		}
		query.writeBytes(new byte[] { 0, 0, 1, 0, 1 });
		return query.toByteArray();
	}

	private static String firstA(ByteBuffer reply, int id) {
		if ((reply.getShort(0) & 0xFFFF) != id || (reply.get(3) & 0x0F) != 0) {
			return null;
		}
		int questions = reply.getShort(4) & 0xFFFF;
		int answers = reply.getShort(6) & 0xFFFF;
		reply.position(12);
		for (int i = 0; i < questions; i++) {
			skipName(reply);
			reply.position(reply.position() + 4);
		}
		for (int i = 0; i < answers; i++) {
			skipName(reply);
			int type = reply.getShort() & 0xFFFF;
			reply.getShort();
			reply.getInt();
			int length = reply.getShort() & 0xFFFF;
			if (type == 1 && length == 4) {
				return (reply.get() & 0xFF) + "." + (reply.get() & 0xFF) + "." + (reply.get() & 0xFF) + "."
						+ (reply.get() & 0xFF);
			}
			reply.position(reply.position() + length);
		}
		return null;
	}

	private static void skipName(ByteBuffer reply) {
		for (int length = reply.get() & 0xFF; length != 0; length = reply.get() & 0xFF) {
			if ((length & 0xC0) == 0xC0) {
				// A pointer to a name earlier in the message ends this one.
				reply.get();
				return;
			}
			reply.position(reply.position() + length);
		}
	}

	/** The loopback address the server listens on (port 53). */
	public String serverAddress() {
		return this.serverAddress;
	}

	/**
	 * A resolv.conf naming only this server, for a child process's
	 * {@code /etc/resolv.conf}.
	 */
	public Path resolvConf() {
		return this.resolvConf;
	}

	/** Every query the server answered, one line each. */
	public Path log() {
		return this.log;
	}

	@Override
	public void close() {
		if (this.process != null) {
			ChildProcesses.kill(this.process);
		}
	}

}
