package dev.hotstandby.backend.machines;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Parses {@code vagrant ssh-config} output: per {@code Host}, its keywords (lower case) and values. */
final class SshConfig {
    private SshConfig() {
    }

    static Map<String, Map<String, String>> parse(String text) {
        Map<String, Map<String, String>> hosts = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\\s+", 2);
            String keyword = fields[0].toLowerCase(Locale.ROOT);
            String value = fields.length > 1 ? fields[1].strip() : "";
            if (keyword.equals("host")) {
                current = new LinkedHashMap<>();
                hosts.put(value, current);
            } else if (current != null) {
                current.putIfAbsent(keyword, value);
            }
        }
        return hosts;
    }
}
