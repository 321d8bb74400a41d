package dev.hotstandby.backend.machines;

import java.util.Optional;

/**
 * A crash of the Ruby interpreter running Vagrant, told from Vagrant's own errors: Ruby's crash
 * report starts with a {@code [BUG]} line and ends with the process memory map, which says
 * nothing to a reader; the summary keeps the lines that do.
 */
final class RubyCrash {
    private RubyCrash() {
    }

    static boolean in(String output) {
        return output.contains("[BUG]") || output.contains("Process memory map");
    }

    /** The report's first lines (what crashed, where), without the memory map; empty when Ruby did not crash. */
    static Optional<String> summary(String output) {
        if (!in(output)) {
            return Optional.empty();
        }
        int start = Math.max(0, output.indexOf("[BUG]"));
        int end = output.indexOf("Process memory map", start);
        String report = output.substring(start, end > start ? end : output.length());
        return Optional.of("Vagrant's Ruby crashed twice:\n" + String.join("\n", report.lines().limit(40).toList()));
    }
}
