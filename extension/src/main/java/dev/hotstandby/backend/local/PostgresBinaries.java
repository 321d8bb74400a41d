package dev.hotstandby.backend.local;

import java.nio.file.Path;

/**
 * One build of PostgreSQL server binaries.
 *
 * @param bin    directory holding {@code initdb} and {@code postgres}
 * @param major  what {@code postgres --version} says
 * @param key    identifies the build, for cache directory names
 * @param origin where they came from, for messages
 */
record PostgresBinaries(Path bin, int major, String key, String origin) {
    Path executable(String name) {
        return bin.resolve(name);
    }
}
