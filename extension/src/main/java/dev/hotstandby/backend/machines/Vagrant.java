package dev.hotstandby.backend.machines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code vagrant} command for one cluster's machines: its own Vagrantfile folder
 * ({@code VAGRANT_CWD}) and its own state ({@code VAGRANT_DOTFILE_PATH}), so clusters never share
 * or lock each other's machines. Output goes to a log file in the state folder.
 */
final class Vagrant {
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path folder;
    private final Path state;
    private final Map<String, String> environment;

    Vagrant(Path folder, Path state, Map<String, String> environment) {
        this.folder = folder;
        this.state = state;
        this.environment = environment;
    }

    Path folder() {
        return folder;
    }

    Path state() {
        return state;
    }

    /** {@code vagrant --version}, or empty when there is no working vagrant on the PATH. */
    static java.util.Optional<String> version() {
        try {
            Process process = new ProcessBuilder("vagrant", "--version").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0
                    ? java.util.Optional.of(output) : java.util.Optional.empty();
        } catch (IOException notInstalled) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    Result run(Duration timeout, String... arguments) {
        List<String> command = new ArrayList<>(List.of("vagrant"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        builder.environment().put("VAGRANT_CWD", folder.toString());
        builder.environment().put("VAGRANT_DOTFILE_PATH", state.toString());
        // no update checks against the network: only the machines this run makes are contacted
        builder.environment().put("VAGRANT_CHECKPOINT_DISABLE", "1");
        builder.environment().put("VAGRANT_BOX_UPDATE_CHECK_DISABLE", "1");
        builder.environment().put("VAGRANT_NO_COLOR", "1");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Result(-1, output + "\n(timed out after " + timeout + ")");
            }
            appendToLog(command, output);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private void appendToLog(List<String> command, String output) {
        try {
            Files.writeString(state.resolve("vagrant.log"), "$ " + String.join(" ", command) + "\n" + output,
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the log is a convenience; the output is in the result
        }
    }
}
