package dev.hotstandby.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM of a reliability program, as a Maven fork or the next run would be: this JVM's java and
 * classpath, its {@code hotstandby.*} options (the backend and its settings), then options of its own.
 */
final class ChildJvm {
    private static final Pattern KEYED = Pattern.compile("([a-z-]+)=(.*)");

    private ChildJvm() {
    }

    /** {@code options} come after this JVM's, so that they win (the last {@code -D} of a name does). */
    static Process start(List<String> options, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("hotstandby."))
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(options);
        command.addAll(List.of("-cp", Classpath.of(main), main.getName()));
        command.addAll(List.of(args));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        child.getOutputStream().close();
        return child;
    }

    /**
     * The child's output up to and with the first line starting with {@code prefix}; from then on it is
     * drained, so that the child never blocks on a full pipe. Fails with the output when the child ends first.
     */
    static List<String> readUntil(Process child, String prefix) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lines.add(line);
            if (line.startsWith(prefix)) {
                Thread drain = new Thread(() -> reader.lines().forEach(ignored -> { }), "child-output");
                drain.setDaemon(true);
                drain.start();
                return lines;
            }
        }
        throw new IllegalStateException("the child JVM ended before it printed \"" + prefix + "\":\n" + String.join("\n", lines));
    }

    /** All the child's output, once it has ended. */
    static List<String> output(Process child) {
        try {
            List<String> lines = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            child.waitFor();
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The {@code key=value} lines among {@code lines}, by key. */
    static Map<String, String> keyed(List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher keyed = KEYED.matcher(line);
            if (keyed.matches()) {
                values.put(keyed.group(1), keyed.group(2));
            }
        }
        return values;
    }
}
