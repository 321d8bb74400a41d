package dev.hotstandby.local;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A JVM started by a test on the test's own classpath (by default running the CLI), with its
 * stdout and stderr captured together. Also the few process and directory helpers that the tests
 * starting such JVMs share. {@link #close()} kills the JVM, so a failing test leaks no process.
 */
final class ChildJvm implements AutoCloseable {
    static final String CLI = "dev.hotstandby.cli.Main";
    /** What a postmaster's command line holds: its children rewrite theirs to "postgres: ...". */
    static final String POSTMASTER = "/postgres -D";
    static final String WATCHDOG = "hotstandby-watchdog";

    private final Process process;
    private final List<String> command;
    private final StringBuilder output = new StringBuilder();
    /** Set once the output reached its end: all of it is in {@link #output}. */
    private volatile boolean outputComplete;

    private ChildJvm(Process process, List<String> command) {
        this.process = process;
        this.command = command;
        Thread pump = new Thread(this::pumpOutput, "child-jvm-" + process.pid() + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** The java launcher running this JVM. */
    static String java() {
        return ProcessHandle.current().info().command()
                .filter(command -> Files.isExecutable(Path.of(command)))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The entries of this JVM's classpath (surefire sets java.class.path to the whole test classpath). */
    static List<Path> classpath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(Path::of)
                .toList();
    }

    /**
     * Copies this JVM's classpath into {@code target}, each entry into a numbered folder, all
     * readable by everyone: the class directories (so a build rewriting target/ meanwhile cannot
     * pull classes from under a child JVM) and, if {@code jarsToo}, the jars; other jars stay put.
     */
    static List<Path> copyOfClasspath(Path target, boolean jarsToo) {
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            List<Path> entries = new ArrayList<>();
            for (Path entry : classpath()) {
                if (!Files.exists(entry) || !jarsToo && !Files.isDirectory(entry)) {
                    entries.add(entry);
                    continue;
                }
                Path copy = Files.createDirectory(target.resolve(String.valueOf(entries.size())))
                        .resolve(entry.getFileName().toString());
                try (Stream<Path> paths = Files.walk(entry)) {
                    for (Path path : (Iterable<Path>) paths::iterator) {
                        Files.copy(path, copy.resolve(entry.relativize(path).toString()));
                    }
                }
                entries.add(copy);
            }
            try (Stream<Path> all = Files.walk(target)) {
                for (Path path : (Iterable<Path>) all::iterator) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                            Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the classpath to " + target, e);
        }
    }

    static String joined(List<Path> entries) {
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    /** {@code java <options> -cp <classpath> <CLI> <args>}: light options, the machine has few cores. */
    static List<String> cliCommand(List<String> jvmOptions, String classpath, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, CLI));
        command.addAll(List.of(args));
        return command;
    }

    static ChildJvm start(List<String> command) {
        return start(command, builder -> {
        });
    }

    static ChildJvm start(List<String> command, Consumer<ProcessBuilder> customizer) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        customizer.accept(builder);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return new ChildJvm(process, command);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void pumpOutput() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (output) {
                    output.append(line).append('\n');
                    output.notifyAll();
                }
            }
        } catch (IOException closed) {
            // the child is gone
        } finally {
            synchronized (output) {
                outputComplete = true;
                output.notifyAll();
            }
        }
    }

    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    long pid() {
        return process.pid();
    }

    /** Waits until the output holds {@code text}; fails with the output if the child exits or time runs out. */
    void awaitOutput(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || outputComplete) {
                    fail("%s did not print \"%s\" within %s (%s); its output:%n%s", this, text, timeout,
                            outputComplete ? "its output ended, " + exitStatus() : "still running", output);
                }
                try {
                    output.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    fail("interrupted while waiting for \"%s\"", text);
                }
            }
        }
    }

    private String exitStatus() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS)
                    ? "exit status " + process.exitValue() : "yet it still runs";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Waits for the child to exit by itself and returns its status; fails with its output on timeout. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("%s did not exit within %s; its output:%n%s", this, timeout, output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting for %s", this);
        }
        // let the pump read the last lines
        awaitTrue(Duration.ofSeconds(5), () -> outputComplete);
        return process.exitValue();
    }

    /** The child's descendants (right now) whose command line contains {@code fragment}. */
    List<ProcessHandle> descendantsRunning(String fragment) {
        return handle().descendants()
                .filter(child -> child.info().commandLine().map(line -> line.contains(fragment)).orElse(false))
                .toList();
    }

    /** SIGKILL, as a crash or {@code kill -9} would; returns once the JVM is gone. */
    void kill() {
        if (!killed()) {
            fail("%s survived SIGKILL for 30 s", this);
        }
    }

    private boolean killed() {
        process.destroyForcibly();
        try {
            return process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return "child JVM " + pid() + " (" + String.join(" ", command.subList(command.indexOf(CLI) >= 0
                ? command.indexOf(CLI) : 0, command.size())) + ")";
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            killed();
        }
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
        return processes.stream().filter(ChildJvm::isRunning).toList();
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

    /**
     * A fresh directory with a short path (socket paths live below it and must stay under 107
     * bytes): on tmpfs when there is one, like the default data root.
     */
    static Path shortTempDir(String prefix) {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createTempDirectory(base, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a tree, retrying briefly in case a dying process still writes into it. */
    static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 20 && Files.exists(root); attempt++) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | UncheckedIOException e) {
                last = e instanceof IOException io ? io : ((UncheckedIOException) e).getCause();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (Files.exists(root)) {
            throw new UncheckedIOException("cannot delete " + root, last);
        }
    }
}
