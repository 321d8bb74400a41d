package dev.hotstandby.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one line of postgresql.conf or pg_hba.conf the way the server does, enough for the tests. */
final class ConfLine {
    private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*=?\\s*(.*)$");

    /** {@code name = value} with the value unquoted ({@code ''} inside quotes is one quote). */
    record Setting(String name, String value) {
        boolean isInclude() {
            return name.equals("include") || name.equals("include_if_exists") || name.equals("include_dir");
        }
    }

    private ConfLine() {
    }

    static boolean isBlank(String line) {
        return line.isBlank();
    }

    static boolean isComment(String line) {
        return line.stripLeading().startsWith("#");
    }

    /**
     * The text of a {@code #} comment that follows something else on the line, outside any single-
     * or double-quoted string (so {@code '#'} inside a value does not count); empty when there is none.
     */
    static Optional<String> trailingComment(String line) {
        int hash = commentStart(line);
        if (hash <= 0 || line.substring(0, hash).isBlank()) {
            return Optional.empty();
        }
        return Optional.of(line.substring(hash + 1).strip());
    }

    /** Index of the {@code #} that starts a comment, or -1. */
    private static int commentStart(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0; // a doubled quote closes and reopens: same result
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** The setting on a postgresql.conf line, or empty for blank and comment lines. */
    static Optional<Setting> setting(String line) {
        if (isBlank(line) || isComment(line)) {
            return Optional.empty();
        }
        int hash = commentStart(line);
        String content = (hash < 0 ? line : line.substring(0, hash)).strip();
        Matcher matcher = SETTING.matcher(content);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a postgresql.conf setting: " + line);
        }
        String value = matcher.group(2).strip();
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            value = value.substring(1, value.length() - 1).replace("''", "'");
        }
        return Optional.of(new Setting(matcher.group(1), value));
    }
}
