package dev.hotstandby.reliability;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The classpath a child JVM needs: exec:java runs a program in a class loader of its own, where java.class.path is Maven's. */
final class Classpath {
    private Classpath() {
    }

    static String of(Class<?> program) {
        if (program.getClassLoader() instanceof URLClassLoader loader) {
            return Stream.of(loader.getURLs()).map(url -> {
                try {
                    return Path.of(url.toURI()).toString();
                } catch (URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.joining(File.pathSeparator));
        }
        return System.getProperty("java.class.path");
    }
}
