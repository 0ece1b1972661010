package dev.meetingbridge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a server that a test can shut to new connections while the ones
 * it relays stay up: with the bridge's Redis behind it, a dropped pub/sub connection
 * cannot come back until the test opens the gate again, so what is published meanwhile is
 * missed for certain.
 */
public final class TcpGate implements AutoCloseable {

	private final ServerSocket server;

	private final String targetHost;

	private final int targetPort;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean shut;

	private TcpGate(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread.ofVirtual().name("tcp-gate-" + port()).start(this::accept);
	}

	/** A gate in front of {@code host:port}, open. */
	public static TcpGate to(String host, int port) {
		try {
			return new TcpGate(host, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/** New connections are closed as soon as they arrive; relayed ones go on. */
	public void shut() {
		this.shut = true;
	}

	public void open() {
		this.shut = false;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (this.shut) {
				closeQuietly(client);
				continue;
			}
			try {
				Socket upstream = new Socket();
				upstream.connect(new InetSocketAddress(this.targetHost, this.targetPort), 5_000);
				this.sockets.add(client);
				this.sockets.add(upstream);
				Thread.ofVirtual().start(() -> pipe(client, upstream));
				Thread.ofVirtual().start(() -> pipe(upstream, client));
			}
			catch (IOException ex) {
				closeQuietly(client);
			}
		}
	}

	private void pipe(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side went away: so does the other
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void closeQuietly(Socket socket) {
		this.sockets.remove(socket);
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() {
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// already closed
		}
		Set.copyOf(this.sockets).forEach(this::closeQuietly);
	}

}
