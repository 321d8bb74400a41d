package dev.hotstandby.backend.local;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Another JVM holding a port's lock file: locks {@code args[0]}, says so, and waits to be killed. */
public final class HoldLockMain {
    static final String LOCKED = "locked";

    private HoldLockMain() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            channel.lock();
            System.out.println(LOCKED);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
