package dev.hotstandby.backend.machines;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.transport.verification.HostKeyVerifier;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * How a machine's SSH host key is checked; there is no way to accept any key. Existing hosts are
 * checked against a known_hosts file; machines Vagrant has just made, against the key read from
 * the machine through Vagrant for this run (pinned).
 */
abstract sealed class HostKeys {

    abstract HostKeyVerifier verifier();

    /** The key as {@link #pinned} takes it, for machines kept for the next run; empty for a known_hosts file. */
    java.util.Optional<String> pinnedLine() {
        return java.util.Optional.empty();
    }

    /** Entries of an OpenSSH known_hosts file, hashed or not, {@code [host]:port} for other ports. */
    static HostKeys knownHosts(Path file) {
        return new KnownHostsFile(file);
    }

    /** Exactly this key, given as a line of a {@code .pub} file: {@code ssh-ed25519 AAAA... comment}. */
    static HostKeys pinned(String publicKeyLine) {
        return new Pinned(publicKeyLine);
    }

    private static final class KnownHostsFile extends HostKeys {
        private final Path file;

        KnownHostsFile(Path file) {
            this.file = file;
        }

        @Override
        HostKeyVerifier verifier() {
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("known_hosts file " + file + " is not readable");
            }
            try {
                // sshj's own parser: the same matching rules as OpenSSH, and no "add unknown keys" prompt
                return new OpenSSHKnownHosts(new File(file.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read known_hosts file " + file, e);
            }
        }

        @Override
        public String toString() {
            return "known_hosts " + file;
        }
    }

    private static final class Pinned extends HostKeys {
        private final String type;
        private final byte[] blob;

        Pinned(String line) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 2) {
                throw new IllegalArgumentException("not an OpenSSH public key: '" + line.trim() + "'");
            }
            this.type = fields[0];
            this.blob = Base64.getDecoder().decode(fields[1]);
        }

        @Override
        HostKeyVerifier verifier() {
            return new HostKeyVerifier() {
                @Override
                public boolean verify(String hostname, int port, PublicKey key) {
                    return Arrays.equals(blob, new Buffer.PlainBuffer().putPublicKey(key).getCompactData());
                }

                @Override
                public List<String> findExistingAlgorithms(String hostname, int port) {
                    // offer the pinned key's type first, so the server presents that key
                    return List.of(type);
                }
            };
        }

        @Override
        java.util.Optional<String> pinnedLine() {
            return java.util.Optional.of(type + " " + Base64.getEncoder().encodeToString(blob));
        }

        @Override
        public String toString() {
            return "pinned " + type + " key";
        }
    }
}
