package dev.hotstandby.backend.containers;

import dev.hotstandby.ClusterStartException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A container's output lines as they arrive, and the one wait for a line among them that node
 * containers and the template build share. Lines are counted from the container's creation, so a
 * caller waits for a line after the index it noted before a step (a restart logs the same lines again).
 * Not Testcontainers' {@code WaitingConsumer}: that one removes each frame it reads, so it keeps no
 * history for indices, evidence or a failure's tail, and it learns of a container that exited only at
 * its timeout.
 */
final class LogLines {
    private static final long LOOK_EVERY_NANOS = 500_000_000L;

    private final String who;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    /** {@code who} begins each failure's message: "standby-0", "the container making the template". */
    LogLines(String who) {
        this.who = who;
    }

    void add(String line) {
        synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
        }
    }

    /** The output is over (its stream closed): a wait fails at once instead of at its deadline. */
    void end() {
        synchronized (lines) {
            ended = true;
            lines.notifyAll();
        }
    }

    int size() {
        synchronized (lines) {
            return lines.size();
        }
    }

    /**
     * The index of the first line at or after {@code from} that matches {@code pattern}. Fails at the
     * deadline, once the output ended, or once {@code gone} (asked every half second) says why no more
     * output will come, e.g. "its container exited".
     */
    int await(Pattern pattern, int from, long deadline, String what, Supplier<Optional<String>> gone) {
        long nextLook = System.nanoTime();
        synchronized (lines) {
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    if (pattern.matcher(lines.get(i)).find()) {
                        return i;
                    }
                }
                from = Math.max(from, lines.size());
                if (ended) {
                    throw new ClusterStartException(who + ": its output ended before " + what);
                }
                long now = System.nanoTime();
                if (now - deadline > 0) {
                    throw new ClusterStartException(who + ": " + what + " did not happen in time (no line matching /"
                            + pattern + "/ in its log)");
                }
                if (now - nextLook > 0) {
                    nextLook = now + LOOK_EVERY_NANOS;
                    Optional<String> why = gone.get();
                    if (why.isPresent()) {
                        throw new ClusterStartException(who + ": " + why.get() + " before " + what);
                    }
                }
                try {
                    lines.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClusterStartException(who + ": interrupted while waiting for " + what);
                }
            }
        }
    }

    /** The last {@code count} lines, joined. */
    String tail(int count) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
    }

    String text() {
        synchronized (lines) {
            return String.join("\n", lines) + "\n";
        }
    }
}
