package dev.hotstandby.internal;

import java.time.Duration;

/**
 * What is wrong with a link now: cut (no byte moves; sockets stay open), a one-way delay, a
 * bandwidth cap. A standby's replication links share one (a fault set before a failover holds on
 * the link to the new upstream too); so do a node's client connections.
 */
public final class LinkFaults {
    private boolean cut;
    private long delayNanos;
    private long bytesPerSecond;

    public synchronized void cut(boolean cut) {
        this.cut = cut;
        notifyAll();
    }

    public synchronized void delay(Duration oneWay) {
        delayNanos = oneWay.toNanos();
        notifyAll();
    }

    public synchronized void limit(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        notifyAll();
    }

    /** No fault: bytes may move at once. */
    public synchronized boolean isClear() {
        return !cut && delayNanos == 0 && bytesPerSecond == 0;
    }

    /** Returns once bytes may move. */
    synchronized void awaitFlowing() throws InterruptedException {
        while (cut) {
            wait();
        }
    }

    /** Returns once a chunk read at {@code readAtNanos} is due, the link flowing; a changed delay applies at once. */
    synchronized void awaitDue(long readAtNanos) throws InterruptedException {
        while (true) {
            if (cut) {
                wait();
                continue;
            }
            long waitNanos = readAtNanos + delayNanos - System.nanoTime();
            if (waitNanos <= 0) {
                return;
            }
            wait(Math.max(1, (waitNanos + 999_999) / 1_000_000));
        }
    }

    /** How long writing {@code bytes} takes at the cap: 0 without one. */
    synchronized long transmissionNanos(int bytes) {
        return bytesPerSecond == 0 ? 0 : bytes * 1_000_000_000L / bytesPerSecond;
    }
}
