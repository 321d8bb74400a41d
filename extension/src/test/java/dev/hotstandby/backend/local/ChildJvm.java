package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A JVM started by a test on the test's own classpath (by default running the CLI), with its
 * stdout and stderr captured together. {@link #close()} kills the JVM, so a failing test leaks no
 * process.
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

    /** {@code java <options> -cp <classpath> <CLI> <args>}: light options, the machine has few cores. */
    static List<String> cliCommand(List<String> jvmOptions, String classpath, String... args) {
        return mainCommand(jvmOptions, classpath, CLI, args);
    }

    /** As {@link #cliCommand} for another main class. */
    static List<String> mainCommand(List<String> jvmOptions, String classpath, String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classpath, mainClass));
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
        Processes.awaitTrue(Duration.ofSeconds(5), () -> outputComplete);
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
}
