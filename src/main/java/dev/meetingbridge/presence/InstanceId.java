package dev.meetingbridge.presence;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * This process's identity among the bridge instances: it owns a lease and the sessions
 * bound to it.
 */
@Component
public class InstanceId {

	private final String value;

	InstanceId() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_-]", "");
		}
		catch (UnknownHostException ex) {
			host = "bridge";
		}
		this.value = (host.isEmpty() ? "bridge" : host) + "-" + ProcessHandle.current().pid() + "-"
				+ UUID.randomUUID().toString().substring(0, 8);
	}

	public String value() {
		return this.value;
	}

	@Override
	public String toString() {
		return this.value;
	}

}
