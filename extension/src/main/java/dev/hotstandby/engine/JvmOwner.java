package dev.hotstandby.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * Names a JVM as {@code <pid>-<start millis>}, so that what it creates (directories, container
 * labels) can later be told apart from what a JVM that is gone left behind; a reused pid has
 * another start time.
 */
public final class JvmOwner {
    /** The start time read from /proc has a coarse granularity; allow this much slack. */
    private static final long START_SLACK_MILLIS = 2_000;
    private static final String CURRENT = of(ProcessHandle.current());

    private JvmOwner() {
    }

    /** This JVM. */
    public static String current() {
        return CURRENT;
    }

    /** True when {@code owner} names a JVM that no longer runs; false for anything not made by {@link #current()}. */
    public static boolean isGone(String owner) {
        String[] parts = owner == null ? new String[0] : owner.split("-");
        if (parts.length != 2) {
            return false;
        }
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = Long.parseLong(parts[1]);
        } catch (NumberFormatException notOurs) {
            return false;
        }
        Optional<Instant> running = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant());
        return running.isEmpty() || Math.abs(running.get().toEpochMilli() - started) > START_SLACK_MILLIS;
    }

    /**
     * This JVM as {@code <pid>-<start time in clock ticks since boot>}, the 22nd field of
     * /proc/self/stat: what a shell can compare with /proc/PID/stat exactly (the reuse watchdog does).
     */
    public static String currentProcStart() {
        return ProcessHandle.current().pid() + "-" + procStartTicks("self");
    }

    /** The 22nd field of /proc/{@code pid}/stat, or "" where there is none. */
    static String procStartTicks(String pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
            // the command name (field 2) is in parentheses and may hold spaces: count from after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return fields[19];
        } catch (java.io.IOException | RuntimeException noProc) {
            return "";
        }
    }

    private static String of(ProcessHandle process) {
        long started = process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return process.pid() + "-" + started;
    }
}
