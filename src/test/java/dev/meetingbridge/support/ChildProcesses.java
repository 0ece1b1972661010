package dev.meetingbridge.support;

/** What the tests do with the processes they start (redis-server, child bridges). */
final class ChildProcesses {

	private ChildProcesses() {
	}

	/** SIGKILL, as a crash would, and wait until it is gone. */
	static void kill(Process process) {
		process.destroyForcibly();
		try {
			process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
