package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.model.Frame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A container's output (the server log: postgres logs to stderr in these images) as Docker keeps it, across restarts. */
final class ContainerLogs {
    private ContainerLogs() {
    }

    /** The last {@code lines} lines, or all of them when {@code lines} is negative. */
    static List<String> read(DockerClient client, String containerId, int lines) {
        LogContainerCmd command = client.logContainerCmd(containerId).withStdOut(true).withStdErr(true);
        command = lines < 0 ? command.withTailAll() : command.withTail(lines);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            command.exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (bytes) {
                        bytes.writeBytes(frame.getPayload());
                    }
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return List.of("(cannot read the log of container " + containerId + ": " + e.getMessage() + ")");
        }
        String text;
        synchronized (bytes) {
            text = bytes.toString(StandardCharsets.UTF_8);
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\r?\n"));
    }
}
