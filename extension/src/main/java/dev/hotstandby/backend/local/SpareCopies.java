package dev.hotstandby.backend.local;

import dev.hotstandby.internal.Passwords;
import dev.hotstandby.internal.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies of a template made in the background while tests run, so the next cluster of the same
 * JVM renames ready copies into place instead of copying about a thousand files per node on its
 * start path. They live in the JVM's own directory, so the watchdog removes them with the JVM.
 * {@code -Dhotstandby.spares=0} turns this off.
 */
final class SpareCopies {
    static final String SPARES_PROPERTY = "hotstandby.spares";
    private static final int LIMIT = Integer.getInteger(SPARES_PROPERTY, 9);
    private static final Map<Path, SpareCopies> BY_TEMPLATE = new ConcurrentHashMap<>();
    private static final BackgroundWork COPIER = new BackgroundWork("hotstandby-spare-copies");

    private final Template template;
    private final Path directory;
    private final Deque<Path> ready = new ArrayDeque<>();
    private int pending;

    private SpareCopies(Template template, Path directory) {
        this.template = template;
        this.directory = directory;
    }

    static SpareCopies of(Template template, Path ownerDirectory) {
        return BY_TEMPLATE.computeIfAbsent(template.dataDir(), dir -> new SpareCopies(template,
                Workspace.privateDir(ownerDirectory.resolve("spares-" + Integer.toHexString(dir.hashCode())))));
    }

    /**
     * Fills each target data directory: by renaming a ready spare where one is left, by copying
     * the template for the rest.
     */
    void fill(List<Path> targets) {
        List<Path> toCopy = new ArrayList<>();
        for (Path target : targets) {
            Path spare = take();
            if (spare == null) {
                toCopy.add(target);
            } else {
                move(spare, target);
            }
        }
        if (!toCopy.isEmpty()) {
            template.copyTo(toCopy);
        }
    }

    /** Prepares up to {@code count} spares in the background for the next cluster. */
    synchronized void replenish(int count) {
        int wanted = Math.min(count, LIMIT) - ready.size() - pending;
        for (int i = 0; i < wanted; i++) {
            pending++;
            COPIER.submit(new BackgroundWork.Task() {
                @Override
                public void run() {
                    prepareOne();
                }

                @Override
                public void drop() {
                    synchronized (SpareCopies.this) {
                        pending--;
                    }
                }
            });
        }
    }

    private synchronized Path take() {
        return ready.pollFirst();
    }

    private void prepareOne() {
        Path spare = directory.resolve("copy-" + Passwords.generate().substring(0, 8).replace('-', 'x'));
        boolean made = false;
        try {
            template.copySequentiallyTo(spare);
            made = true;
        } catch (RuntimeException failed) {
            Trees.delete(spare);
        } finally {
            synchronized (this) {
                pending--;
                if (made) {
                    ready.addLast(spare);
                }
            }
        }
    }

    private static void move(Path spare, Path target) {
        try {
            Files.move(spare, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move " + spare + " to " + target, e);
        }
    }
}
