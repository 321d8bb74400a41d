package dev.hotstandby.backend.containers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Files to and from containers travel as tar archives (Docker's archive API). */
final class Tar {
    private Tar() {
    }

    /** An owner for the files written: the uid and gid the server runs as, so it may read and rewrite them. */
    record Owner(int uid, int gid) {
        static final Owner ROOT = new Owner(0, 0);
    }

    /** A tar of regular files, in the order given (the last one may serve as a "ready" marker). */
    static byte[] of(Map<String, byte[]> files, Owner owner, int mode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setMode(mode);
                entry.setIds(owner.uid(), owner.gid());
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The regular files of a tar stream by their path inside it, with the owner of the first one. */
    static Contents read(InputStream stream) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Owner owner = null;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(stream)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile()) {
                    files.put(entry.getName(), tar.readAllBytes());
                    if (owner == null) {
                        owner = new Owner((int) entry.getLongUserId(), (int) entry.getLongGroupId());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Contents(files, owner == null ? Owner.ROOT : owner);
    }

    record Contents(Map<String, byte[]> files, Owner owner) {
        /** The file whose path ends with {@code /name} (or is {@code name}). */
        byte[] file(String name) {
            return files.entrySet().stream()
                    .filter(file -> file.getKey().equals(name) || file.getKey().endsWith("/" + name))
                    .map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + name + " in " + files.keySet()));
        }
    }
}
