package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The docs show compiled code: every {@code ```java} block of README.md and docs/ equals a tagged
 * region of a source file under sample-tests/src or spring-boot/src, so a block cannot drift from
 * code that compiles (and, for the samples, runs). A region is the lines between a line with
 * {@code // tag::<name>[]} and one with {@code // end::<name>[]}, as in JUnit's user guide; both
 * sides are compared without leading and trailing blank lines and without their common indentation,
 * otherwise exactly. Snippets no sample shows are in {@code dev.hotstandby.samples.docs}, compiled
 * and not run. No cluster: this reads files only.
 */
class DocsShowCompiledCodeTest {

    /** The java blocks there were when this test was written: fewer means the scan missed some. */
    private static final int JAVA_BLOCKS_AT_LEAST = 10;

    /** The README is the short entry; everything else is in docs/. */
    private static final int README_MAX_LINES = 300;

    private static final List<String> SOURCE_ROOTS = List.of("sample-tests/src", "spring-boot/src");

    private static final Pattern JAVA_FENCE = Pattern.compile("^\\s*```java\\s*$");
    private static final Pattern FENCE = Pattern.compile("^\\s*```.*$");
    private static final Pattern TAG = Pattern.compile("//\\s*tag::([A-Za-z0-9_.-]+)\\[\\]");
    private static final Pattern END = Pattern.compile("//\\s*end::([A-Za-z0-9_.-]+)\\[\\]");

    private static Path root;
    private static List<Block> blocks;
    private static List<Region> regions;
    private static List<String> tagProblems;

    /** A {@code ```java} block of a Markdown file; {@code line} is its opening fence's, from 1. */
    record Block(Path file, int line, List<String> lines) {
        String where() {
            return root.relativize(file) + ":" + line;
        }
    }

    /** A tagged region of a source file; {@code line} is its tag line's, from 1. */
    record Region(Path file, String name, int line, List<String> lines) {
        String where() {
            return root.relativize(file) + "#" + name + " (tag at line " + line + ")";
        }
    }

    @BeforeAll
    static void scan() throws IOException {
        root = repositoryRoot();
        blocks = new ArrayList<>();
        for (Path markdown : markdownFiles()) {
            blocks.addAll(javaBlocks(markdown));
        }
        regions = new ArrayList<>();
        tagProblems = new ArrayList<>();
        for (String sourceRoot : SOURCE_ROOTS) {
            Path folder = root.resolve(sourceRoot);
            if (!Files.isDirectory(folder)) {
                tagProblems.add(sourceRoot + " is not a folder under " + root);
                continue;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path source : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    taggedRegions(source);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockIsATaggedRegion() {
        return blocks.stream().map(block -> DynamicTest.dynamicTest(block.where(), () -> {
            List<String> shown = normalized(block.lines());
            if (regions.stream().anyMatch(region -> normalized(region.lines()).equals(shown))) {
                return;
            }
            fail(block.where() + ": this ```java block is no tagged region of a source file under "
                    + String.join(" or ", SOURCE_ROOTS) + closest(shown)
                    + "\nShow a region (tag::<name>[] and end::<name>[] comments around the code) exactly as it is,"
                    + " or change the code and the block together.");
        }));
    }

    @Test
    void everyTagHasItsEndInTheSameFile() {
        assertTrue(tagProblems.isEmpty(), () -> String.join("\n", tagProblems));
    }

    @Test
    void theScanFindsTheJavaBlocks() {
        assertTrue(blocks.size() >= JAVA_BLOCKS_AT_LEAST, () -> "found " + blocks.size()
                + " ```java blocks in README.md and docs/ under " + root + ", expected at least "
                + JAVA_BLOCKS_AT_LEAST + ": " + blocks.stream().map(Block::where).toList());
        assertTrue(regions.size() >= JAVA_BLOCKS_AT_LEAST, () -> "found " + regions.size()
                + " tagged regions under " + SOURCE_ROOTS + ", expected at least " + JAVA_BLOCKS_AT_LEAST);
    }

    @Test
    void theReadmeIsAShortEntry() throws IOException {
        int lines = Files.readAllLines(root.resolve("README.md")).size();
        assertTrue(lines <= README_MAX_LINES, () -> "README.md has " + lines + " lines, at most "
                + README_MAX_LINES + " are wanted: move the detail to a page of docs/ and link it");
    }

    private static Path repositoryRoot() {
        Path start = Path.of("").toAbsolutePath();
        for (Path folder = start; folder != null; folder = folder.getParent()) {
            if (Files.isRegularFile(folder.resolve("README.md")) && Files.isDirectory(folder.resolve("docs"))) {
                return folder;
            }
        }
        throw new IllegalStateException("no folder with README.md and docs/ at or above " + start);
    }

    private static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    private static List<Block> javaBlocks(Path markdown) throws IOException {
        List<String> lines = Files.readAllLines(markdown);
        List<Block> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!FENCE.matcher(lines.get(i)).matches()) {
                continue;
            }
            int close = i + 1;
            while (close < lines.size() && !FENCE.matcher(lines.get(close)).matches()) {
                close++;
            }
            if (JAVA_FENCE.matcher(lines.get(i)).matches()) {
                found.add(new Block(markdown, i + 1, List.copyOf(lines.subList(i + 1, Math.min(close, lines.size())))));
            }
            i = close;
        }
        return found;
    }

    private static void taggedRegions(Path source) throws IOException {
        List<String> lines = Files.readAllLines(source);
        Map<String, Integer> open = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        String file = root.relativize(source).toString();
        for (int i = 0; i < lines.size(); i++) {
            Matcher tag = TAG.matcher(lines.get(i));
            if (tag.find()) {
                String name = tag.group(1);
                if (seen.containsKey(name)) {
                    tagProblems.add(file + ":" + (i + 1) + ": tag::" + name + "[] again (first at line "
                            + seen.get(name) + ")");
                }
                seen.put(name, i + 1);
                open.put(name, i);
            }
            Matcher end = END.matcher(lines.get(i));
            if (end.find()) {
                String name = end.group(1);
                Integer start = open.remove(name);
                if (start == null) {
                    tagProblems.add(file + ":" + (i + 1) + ": end::" + name + "[] without a tag::" + name + "[] before it");
                } else {
                    List<String> body = lines.subList(start + 1, i).stream()
                            .filter(line -> !TAG.matcher(line).find() && !END.matcher(line).find())
                            .toList();
                    regions.add(new Region(source, name, start + 1, body));
                }
            }
        }
        open.forEach((name, start) -> tagProblems.add(file + ":" + (start + 1) + ": tag::" + name
                + "[] has no end::" + name + "[] in the same file"));
    }

    /** Without leading and trailing blank lines and the lines' common indentation; blank lines as empty ones. */
    static List<String> normalized(List<String> lines) {
        List<String> trimmed = lines.stream().map(line -> line.isBlank() ? "" : line).collect(Collectors.toList());
        while (!trimmed.isEmpty() && trimmed.get(0).isEmpty()) {
            trimmed.remove(0);
        }
        while (!trimmed.isEmpty() && trimmed.get(trimmed.size() - 1).isEmpty()) {
            trimmed.remove(trimmed.size() - 1);
        }
        int indent = trimmed.stream().filter(line -> !line.isEmpty()).mapToInt(DocsShowCompiledCodeTest::indentation)
                .min().orElse(0);
        return trimmed.stream().map(line -> line.isEmpty() ? line : line.substring(indent)).toList();
    }

    private static int indentation(String line) {
        int i = 0;
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /** The region with the most lines in common with the block, and where they first differ. */
    private static String closest(List<String> shown) {
        Region best = regions.stream()
                .max(Comparator.comparingInt(region -> commonLines(shown, normalized(region.lines()))))
                .orElse(null);
        if (best == null) {
            return "; there are no tagged regions at all.";
        }
        List<String> code = normalized(best.lines());
        int i = 0;
        while (i < shown.size() && i < code.size() && shown.get(i).equals(code.get(i))) {
            i++;
        }
        return ".\nThe closest region is " + best.where() + "; they first differ at line " + (i + 1) + " of the block:"
                + "\n  block:  " + (i < shown.size() ? shown.get(i) : "(the block ends)")
                + "\n  region: " + (i < code.size() ? code.get(i) : "(the region ends)");
    }

    /** Length of the longest common subsequence of lines. */
    private static int commonLines(List<String> a, List<String> b) {
        int[][] lengths = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lengths[i][j] = a.get(i).equals(b.get(j)) ? lengths[i + 1][j + 1] + 1
                        : Math.max(lengths[i + 1][j], lengths[i][j + 1]);
            }
        }
        return lengths[0][0];
    }
}
