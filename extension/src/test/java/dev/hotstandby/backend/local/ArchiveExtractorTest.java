package dev.hotstandby.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The binaries unpacked by {@link ArchiveExtractor} are what commons-compress reads from the same
 * archive: every path, its type, mode, symbolic link target and content.
 */
class ArchiveExtractorTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"11.22.1", "16.15.0", "18.6.0"})
    void unpacksWhatCommonsCompressReads(String version) throws IOException {
        Path jar = LoopbackMavenRepository.jarInMachineRepository(version);
        assumeTrue(Files.isRegularFile(jar), "the machine's local Maven repository has no " + jar);
        URL archive = new URL("jar:" + jar.toUri() + "!/" + ZonkyBinaries.archiveName());
        Path target = dir.resolve("unpacked");
        Files.createDirectories(target);
        try (InputStream in = archive.openStream()) {
            ArchiveExtractor.extractTxz(in, target);
        }

        Map<String, String> expected = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(archive.openStream()))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = Path.of(entry.getName()).normalize().toString();
                String what = entry.isDirectory() ? "dir" : entry.isSymbolicLink() ? "link " + entry.getLinkName()
                        : "file " + Integer.toOctalString(entry.getMode() & 0777 | 0400) + " "
                        + LoopbackMavenRepository.digest("SHA-1", tar.readAllBytes());
                expected.put(name, what);
                // directories the archive does not list come into being as parents
                for (Path parent = Path.of(name).getParent(); parent != null; parent = parent.getParent()) {
                    expected.putIfAbsent(parent.toString(), "dir");
                }
            }
        }
        expected.remove("");
        Map<String, String> unpacked = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(target)) {
            for (Path path : (Iterable<Path>) tree.filter(path -> !path.equals(target))::iterator) {
                String name = target.relativize(path).toString();
                String what = Files.isSymbolicLink(path) ? "link " + Files.readSymbolicLink(path)
                        : Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : "file " + Integer.toOctalString(mode(path)) + " "
                        + LoopbackMavenRepository.digest("SHA-1", Files.readAllBytes(path));
                unpacked.put(name, what);
            }
        }
        assertThat(unpacked).hasSizeGreaterThan(1000).isEqualTo(expected);
        assertThat(target.resolve("bin/postgres")).isExecutable();
    }

    private static int mode(Path path) throws IOException {
        int mode = 0;
        int bit = 0400;
        for (var permission : java.nio.file.attribute.PosixFilePermission.values()) {
            if (Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).contains(permission)) {
                mode |= bit;
            }
            bit >>= 1;
        }
        return mode;
    }
}
