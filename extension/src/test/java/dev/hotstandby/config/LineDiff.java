package dev.hotstandby.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small longest-common-subsequence line diff, written for the tests so they do not trust the
 * prefix/suffix matching of {@link InsertedBlock} to check itself. Line numbers are 1-based, as
 * {@code diff} and PostgreSQL's {@code sourceline} count them.
 */
final class LineDiff {

    /** One line of the new file (or, for {@code REMOVED}, of the old one). */
    record Line(int number, String text) {
        @Override
        public String toString() {
            return number + ": " + text;
        }
    }

    private final List<String> newLines;
    private final List<Line> removed = new ArrayList<>();
    private final boolean[] added;

    private LineDiff(List<String> oldLines, List<String> newLines) {
        this.newLines = newLines;
        this.added = new boolean[newLines.size()];
        int n = oldLines.size();
        int m = newLines.size();
        // lcs[i][j]: length of the longest common subsequence of oldLines[i..] and newLines[j..]
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = oldLines.get(i).equals(newLines.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && oldLines.get(i).equals(newLines.get(j))) {
                i++;
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                added[j++] = true;
            } else {
                removed.add(new Line(i + 1, oldLines.get(i)));
                i++;
            }
        }
    }

    static LineDiff between(List<String> oldLines, List<String> newLines) {
        return new LineDiff(oldLines, newLines);
    }

    /** The lines of a text file; a final newline ends the last line rather than starting an empty one. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath().normalize(), e);
        }
    }

    /** Old lines that are missing from the new file; a changed line shows here and among the added ones. */
    List<Line> removed() {
        return List.copyOf(removed);
    }

    List<Line> added() {
        List<Line> lines = new ArrayList<>();
        for (int j = 0; j < added.length; j++) {
            if (added[j]) {
                lines.add(new Line(j + 1, newLines.get(j)));
            }
        }
        return lines;
    }

    /**
     * The added lines grouped into runs of consecutive lines, after sliding each run across equal
     * neighbouring lines as {@code diff} does: an LCS may pair an inserted blank line with a stock
     * blank one further down and so split one inserted block in two. Only meaningful when nothing
     * was removed (sliding is then always a valid alternative diff).
     */
    List<List<Line>> addedBlocks() {
        if (!removed.isEmpty()) {
            throw new IllegalStateException("blocks of added lines are only defined when nothing was removed");
        }
        boolean[] mask = added.clone();
        slideUp(mask);
        slideDown(mask);
        List<List<Line>> blocks = new ArrayList<>();
        List<Line> current = null;
        for (int j = 0; j < mask.length; j++) {
            if (mask[j]) {
                if (current == null) {
                    current = new ArrayList<>();
                    blocks.add(current);
                }
                current.add(new Line(j + 1, newLines.get(j)));
            } else {
                current = null;
            }
        }
        return blocks;
    }

    /** Moves each run [start, end] up while the kept line above it equals the run's last line. */
    private void slideUp(boolean[] mask) {
        for (int end = 0; end < mask.length; end++) {
            if (!mask[end] || (end + 1 < mask.length && mask[end + 1])) {
                continue;
            }
            int start = end;
            while (start > 0 && mask[start - 1]) {
                start--;
            }
            while (start > 0 && !mask[start - 1] && newLines.get(start - 1).equals(newLines.get(end))) {
                mask[start - 1] = true;
                mask[end] = false;
                start--;
                end--;
                while (start > 0 && mask[start - 1]) {
                    start--; // merged with the run above
                }
            }
        }
    }

    /** Moves each run [start, end] down while the kept line below it equals the run's first line. */
    private void slideDown(boolean[] mask) {
        for (int start = mask.length - 1; start >= 0; start--) {
            if (!mask[start] || (start > 0 && mask[start - 1])) {
                continue;
            }
            int end = start;
            while (end + 1 < mask.length && mask[end + 1]) {
                end++;
            }
            while (end + 1 < mask.length && !mask[end + 1] && newLines.get(end + 1).equals(newLines.get(start))) {
                mask[end + 1] = true;
                mask[start] = false;
                start++;
                end++;
                while (end + 1 < mask.length && mask[end + 1]) {
                    end++; // merged with the run below
                }
            }
        }
    }
}
