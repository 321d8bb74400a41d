package dev.hotstandby.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An SQL script split into its statements, each with the line it starts on, as psql would send them:
 * semicolons inside quotes ('…', "…", $tag$…$tag$) and comments (--, nested /* … *&#47;) do not end a
 * statement. psql's backslash commands are not SQL and are not understood.
 */
public final class SqlScript {
    /** One statement; {@code line} is where its first character stands, from 1. */
    public record Statement(String sql, int line) {
        /** The script line of a character of this statement (PostgreSQL's error position, from 1). */
        public int lineOf(int position) {
            int line = this.line;
            for (int i = 0; i < Math.min(position - 1, sql.length()); i++) {
                if (sql.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }

    private SqlScript() {
    }

    public static List<Statement> split(String script) {
        List<Statement> statements = new ArrayList<>();
        int line = 1;
        int start = -1;
        int startLine = 1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '\n') {
                line++;
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                while (i < n && script.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (start < 0 && c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                // a comment before a statement is not part of it: the statement starts after it
                int end = blockCommentEnd(script, i + 2);
                line += (int) script.substring(i, end).chars().filter(ch -> ch == '\n').count();
                i = end;
                continue;
            }
            if (start < 0) {
                if (c == ';') {
                    i++;
                    continue;
                }
                start = i;
                startLine = line;
            }
            if (c == ';') {
                statements.add(new Statement(script.substring(start, i).strip(), startLine));
                start = -1;
                i++;
                continue;
            }
            int end;
            if (c == '\'' || c == '"') {
                end = closing(script, i + 1, String.valueOf(c));
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                end = blockCommentEnd(script, i + 2);
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                end = closing(script, i + tag.length(), tag);
            } else {
                end = i + 1;
            }
            for (int j = i; j < end; j++) {
                if (script.charAt(j) == '\n') {
                    line++;
                }
            }
            i = end;
        }
        if (start >= 0) {
            String last = script.substring(start).strip();
            if (!last.isEmpty()) {
                statements.add(new Statement(last, startLine));
            }
        }
        return statements;
    }

    /** Past the closing {@code quote}; a doubled quote character inside '…' or "…" is part of the text. */
    private static int closing(String script, int from, String quote) {
        int at = from;
        while (true) {
            int found = script.indexOf(quote, at);
            if (found < 0) {
                return script.length();
            }
            if (quote.length() == 1 && found + 1 < script.length() && script.charAt(found + 1) == quote.charAt(0)) {
                at = found + 2;
                continue;
            }
            return found + quote.length();
        }
    }

    private static int blockCommentEnd(String script, int from) {
        int depth = 1;
        int i = from;
        while (i < script.length() && depth > 0) {
            if (script.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (script.startsWith("*/", i)) {
                depth--;
                i += 2;
            } else {
                i++;
            }
        }
        return i;
    }

    /** {@code $$} or {@code $tag$} starting at {@code at}, or null ({@code $1} is a parameter, not a quote). */
    private static String dollarTag(String script, int at) {
        if (at > 0 && (Character.isLetterOrDigit(script.charAt(at - 1)) || script.charAt(at - 1) == '_')) {
            return null;
        }
        int i = at + 1;
        while (i < script.length() && (Character.isLetterOrDigit(script.charAt(i)) || script.charAt(i) == '_')) {
            if (i == at + 1 && Character.isDigit(script.charAt(i))) {
                return null;
            }
            i++;
        }
        return i < script.length() && script.charAt(i) == '$' ? script.substring(at, i + 1) : null;
    }
}
