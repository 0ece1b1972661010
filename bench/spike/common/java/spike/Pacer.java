package spike;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Runs a broadcast callback {@code frames} times at {@code rateHz}, on one self-timed platform thread. */
public final class Pacer {

	private final AtomicLong framesSent = new AtomicLong();

	private Thread thread;

	public synchronized boolean start(int frames, int rateHz, Runnable broadcastOnce) {
		if (this.thread != null && this.thread.isAlive()) {
			return false;
		}
		long period = 1_000_000_000L / rateHz;
		this.thread = Thread.ofPlatform().name("broadcaster").daemon().start(() -> {
			long t0 = System.nanoTime();
			for (int i = 0; i < frames; i++) {
				long due = t0 + i * period;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				broadcastOnce.run();
				this.framesSent.incrementAndGet();
			}
		});
		return true;
	}

	public long framesSent() {
		return this.framesSent.get();
	}

	/** Heap used after full collections (System.gc() is a full GC with G1 by default). */
	public static long heapUsedAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			try {
				Thread.sleep(150);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
