package dev.hotstandby.backend.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import org.tukaani.xz.XZInputStream;

/**
 * Unpacks a {@code .txz} archive, keeping file modes and symbolic links (the libraries use them).
 *
 * <p>zonky's archives are GNU/ustar tar files of directories, regular files and symbolic links.
 * Reading that takes the few dozen lines below instead of commons-compress and the three jars it
 * brings (2.7 MB of the user's test classpath). GNU long names and PAX paths are read too; any other
 * entry type fails, naming it.
 */
final class ArchiveExtractor {
    private static final int BLOCK = 512;

    private ArchiveExtractor() {
    }

    static void extractTxz(InputStream archive, Path target) throws IOException {
        try (InputStream tar = new XZInputStream(new BufferedInputStream(archive, 1 << 16))) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            String longLink = null;
            while (readBlock(tar, header)) {
                if (isZeros(header)) {
                    return; // end of archive
                }
                char type = (char) header[156];
                long size = number(header, 124, 12);
                String name = longName != null ? longName : name(header);
                String link = longLink != null ? longLink : string(header, 157, 100);
                longName = null;
                longLink = null;
                switch (type) {
                    case 'L' -> longName = trimNul(readString(tar, size));
                    case 'K' -> longLink = trimNul(readString(tar, size));
                    case 'x' -> {
                        String pax = readString(tar, size);
                        longName = paxValue(pax, "path");
                        longLink = paxValue(pax, "linkpath");
                    }
                    case 'g' -> skip(tar, size);
                    case '5' -> Files.createDirectories(inside(target, name));
                    case '2' -> {
                        Path path = inside(target, name);
                        Files.createDirectories(path.getParent());
                        Files.createSymbolicLink(path, Path.of(link));
                    }
                    case '1' -> {
                        Path path = inside(target, name);
                        Files.createDirectories(path.getParent());
                        Files.createLink(path, inside(target, link));
                    }
                    case '0', '\0', '7' -> {
                        Path path = inside(target, name);
                        Files.createDirectories(path.getParent());
                        try (var out = Files.newOutputStream(path)) {
                            copy(tar, out, size);
                        }
                        skip(tar, padding(size));
                        Files.setPosixFilePermissions(path, permissions((int) number(header, 100, 8)));
                    }
                    default -> throw new IOException("unsupported tar entry type '" + type + "' for " + name);
                }
                if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                    skip(tar, padding(size));
                }
            }
            throw new IOException("archive ends without its end-of-archive blocks");
        }
    }

    private static Path inside(Path target, String name) throws IOException {
        Path path = target.resolve(name).normalize();
        if (!path.startsWith(target)) {
            throw new IOException("archive entry escapes the target directory: " + name);
        }
        return path;
    }

    /** ustar keeps long paths as prefix + "/" + name; GNU tar leaves the prefix field to other data. */
    private static String name(byte[] header) {
        String name = string(header, 0, 100);
        boolean ustar = string(header, 257, 6).equals("ustar") && header[262] == 0;
        String prefix = ustar ? string(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Octal, or base-256 with the high bit set (GNU, for sizes past 8 GB). */
    private static long number(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = offset + 1; i < offset + length; i++) {
                value = (value << 8) | (header[i] & 0xff);
            }
            return value;
        }
        String octal = string(header, offset, length).trim();
        return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
    }

    private static String paxValue(String records, String key) {
        // each record is "<length> <key>=<value>\n"
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith(key + "=", space + 1)) {
                return record.substring(space + 2 + key.length());
            }
        }
        return null;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int read = in.readNBytes(block, 0, BLOCK);
        if (read == 0) {
            return false;
        }
        if (read < BLOCK) {
            throw new IOException("truncated tar header");
        }
        return true;
    }

    private static String readString(InputStream in, long size) throws IOException {
        byte[] bytes = in.readNBytes((int) size);
        if (bytes.length < size) {
            throw new IOException("truncated tar entry");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String trimNul(String value) {
        int nul = value.indexOf('\0');
        return nul < 0 ? value : value.substring(0, nul);
    }

    private static void copy(InputStream in, java.io.OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new IOException("truncated tar entry");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        in.skipNBytes(bytes);
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean isZeros(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = new HashSet<>();
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        permissions.add(PosixFilePermission.OWNER_READ);
        return permissions;
    }
}
