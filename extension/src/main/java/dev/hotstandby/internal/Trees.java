package dev.hotstandby.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting directory trees: the local backend's data, Vagrant's state folders, kept failures. */
public final class Trees {
    private Trees() {
    }

    /** Deletes a tree if it exists; a file vanishing meanwhile is fine. */
    public static void delete(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                try {
                    Files.deleteIfExists(path);
                } catch (NoSuchFileException gone) {
                    // removed concurrently
                }
            }
        } catch (NoSuchFileException gone) {
            // removed concurrently
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
