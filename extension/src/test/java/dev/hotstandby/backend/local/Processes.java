package dev.hotstandby.backend.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Watching and stopping the processes a test's child JVM left. */
final class Processes {
    private Processes() {
    }

    /**
     * Running, not merely present: a killed orphan stays a zombie until init reaps it, which some
     * container inits do late or never, and {@link ProcessHandle#isAlive()} counts zombies as alive.
     */
    static boolean isRunning(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // pid (comm) state ...; comm may hold spaces and parentheses, the state follows the last ')'
            String afterCommand = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return !afterCommand.startsWith("Z") && !afterCommand.startsWith("X");
        } catch (IOException gone) {
            return process.isAlive();
        }
    }

    static List<ProcessHandle> running(Collection<ProcessHandle> processes) {
        return processes.stream().filter(Processes::isRunning).toList();
    }

    static String describe(Collection<ProcessHandle> processes) {
        return String.join("\n", processes.stream()
                .map(process -> process.pid() + " " + process.info().commandLine().orElse("?")).toList());
    }

    /** Polls every 100 ms until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    static boolean awaitTrue(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return condition.getAsBoolean();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            }
        }
        return true;
    }

    /**
     * Stops whatever of {@code processes} still runs (cleanup after a failed test): SIGTERM first,
     * which lets a server end its children and remove its shared memory, then SIGKILL.
     */
    static void stopAll(Collection<ProcessHandle> processes) {
        List<ProcessHandle> left = running(processes);
        left.forEach(ProcessHandle::destroy);
        if (!awaitTrue(Duration.ofSeconds(10), () -> running(left).isEmpty())) {
            running(left).forEach(ProcessHandle::destroyForcibly);
            awaitTrue(Duration.ofSeconds(10), () -> running(left).isEmpty());
        }
    }
}
