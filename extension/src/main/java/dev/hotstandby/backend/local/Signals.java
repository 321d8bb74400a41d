package dev.hotstandby.backend.local;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Sends PostgreSQL its shutdown signals, which Java cannot: SIGINT is a fast shutdown (clean, with
 * a checkpoint), SIGQUIT an immediate one (no checkpoint, like a crash; fine when the data goes).
 */
final class Signals {
    static final String FAST_SHUTDOWN = "INT";
    static final String IMMEDIATE_SHUTDOWN = "QUIT";

    private Signals() {
    }

    static void send(String signal, Collection<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        String targets = pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
        Commands.run(List.of("sh", "-c", "kill -" + signal + " " + targets + " 2>/dev/null; true"));
    }
}
