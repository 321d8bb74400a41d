package dev.hotstandby.backend.machines;

import java.util.Arrays;
import java.util.stream.Collectors;

/** POSIX shell quoting for the commands sent over SSH: every argument reaches the program as one word. */
final class Sh {
    private Sh() {
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    static String words(String... words) {
        return Arrays.stream(words).map(Sh::quote).collect(Collectors.joining(" "));
    }
}
