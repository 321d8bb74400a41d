package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Image;
import dev.hotstandby.ClusterSpec;
import dev.hotstandby.config.ConfigFiles;
import dev.hotstandby.config.ReplicationSettings;
import dev.hotstandby.engine.ParameterCatalog;
import dev.hotstandby.internal.Passwords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.testcontainers.utility.DockerImageName;

/**
 * The template images every node of a cluster starts from: per base image (by its id), major,
 * repository configs/ and these scripts, one image
 * {@code hotstandby-template:<major>-<hash>} made once per Docker daemon and kept ({@link TemplateBuild}).
 * A later run finds it by that name. Concurrent JVMs on this machine make it once (a file lock); on
 * other machines sharing the daemon each commits under a name of its own and the tag is set only if
 * no one set it first. Kept per base image: the newest {@value #KEPT_PER_BASE}; templates of a base
 * image that has changed since (rebuilt, pulled anew) are removed when the next one is made.
 */
final class TemplateImages {
    static final String REPOSITORY = "hotstandby-template";
    /** Builder containers are named so; the reaper removes those whose JVM is gone. */
    static final String BUILDER_PREFIX = "hotstandby-template-build-";
    /** The template's key (the hash in its tag). */
    static final String KEY = "dev.hotstandby.template";
    /** The base image reference it was made from, and that image's id. */
    static final String BASE = "dev.hotstandby.template.base";
    static final String BASE_ID = "dev.hotstandby.template.base-id";
    /** The base image's server parameters with their contexts ({@link ParameterCatalog#lines()}). */
    static final String PARAMETERS = "dev.hotstandby.template.parameters";
    /** Bump when the way templates are made changes, so that stale ones are not reused. */
    private static final String FORMAT = "c2";
    private static final int KEPT_PER_BASE = 4;
    /** One lock per template within this JVM: a file lock is held per JVM, not per thread. */
    private static final Map<String, Object> IN_JVM = new ConcurrentHashMap<>();
    /** max_connections must exceed superuser_reserved_connections (3 by default); the others' minimums. */
    private static final Map<String, String> FLOORS = orderedFloors();

    private TemplateImages() {
    }

    /**
     * The template for this cluster, made now if the daemon has none. {@code environment}: the
     * image contract's variables every node gets (user, database, initdb arguments, no password).
     */
    static DockerImageName obtain(ClusterSpec spec, DockerClient client, PostgresImage base, List<String> environment) {
        String baseId = client.inspectImageCmd(base.toString()).exec().getId();
        String nodeConf = nodeConf();
        String key = hash(String.join("\n", baseId, String.valueOf(spec.major()), ConfigFiles.packaged().fingerprint(),
                FORMAT, String.join("\n", environment), nodeConf,
                new String(NodeContainers.resource("node.sh"), StandardCharsets.UTF_8),
                new String(NodeContainers.resource("initdb.sh"), StandardCharsets.UTF_8)));
        String tag = spec.major() + "-" + key;
        DockerImageName name = DockerImageName.parse(REPOSITORY + ":" + tag);
        String reference = name.asCanonicalNameString();
        // asked every time (one inspect): another JVM may have pruned it since this one last used it
        if (present(client, reference)) {
            return name;
        }
        synchronized (IN_JVM.computeIfAbsent(key, k -> new Object())) {
            return withMachineLock(key, () -> {
                if (!present(client, reference)) {
                    // its own deadline: the first cluster on a machine pays for the template, too
                    long deadline = System.nanoTime() + spec.startTimeout().toNanos();
                    make(client, base, baseId, spec.major(), environment, tag, key, nodeConf, deadline);
                    prune(client, base, baseId);
                }
                return name;
            });
        }
    }

    /**
     * The template's node.conf: a node's identity, and the lowest values of the settings a standby
     * checks against pg_control at its start (its own must be at least those recorded there, or it
     * refuses: "insufficient parameter settings"). Recorded so low, every cluster's settings pass
     * that check, so one template serves them all; the primary's real values then reach its
     * standbys in the parameter-change record it writes at its first start, which they check as
     * after a base backup. wal_level stays replica (configs/): hot standby needs at least that.
     */
    static String nodeConf() {
        StringBuilder conf = new StringBuilder("# Written by hotstandby for the template image: its one start records"
                + " these in pg_control; every node replaces this file with its own.\n");
        NodeSettings.identity("template").forEach(line -> conf.append(line).append('\n'));
        FLOORS.forEach((name, value) -> conf.append(ReplicationSettings.line(name, value,
                "the lowest a standby copied from the template may have; its cluster's own value replaces it")).append('\n'));
        return conf.toString();
    }

    private static void make(DockerClient client, PostgresImage base, String baseId, int major, List<String> environment,
                             String tag, String key, String nodeConf, long deadline) {
        Map<String, String> labels = new HashMap<>(Labels.committedTemplateBuilder());
        labels.put(KEY, key);
        labels.put(BASE, base.toString());
        labels.put(BASE_ID, baseId);
        String ownTag = tag + "-build-" + Passwords.randomName(8);
        String imageId = new TemplateBuild(client, base, major, environment).run(REPOSITORY, ownTag, labels, nodeConf, deadline);
        // another machine sharing the daemon may have made the same template meanwhile: the first tag stays
        if (!present(client, REPOSITORY + ":" + tag)) {
            client.tagImageCmd(imageId, REPOSITORY, tag).exec();
        }
        quietly(() -> client.removeImageCmd(REPOSITORY + ":" + ownTag).withNoPrune(false).exec());
    }

    /**
     * Templates of this base reference made from another image id are stale (the base changed);
     * of the rest the newest {@value #KEPT_PER_BASE} stay. One in use by a running container stays too.
     */
    private static void prune(DockerClient client, PostgresImage base, String baseId) {
        List<Image> templates = client.listImagesCmd().withLabelFilter(Map.of(BASE, base.toString())).exec().stream()
                .filter(image -> image.getRepoTags() != null)
                .sorted(Comparator.comparing(Image::getCreated, Comparator.nullsFirst(Comparator.naturalOrder())).reversed())
                .toList();
        int kept = 0;
        for (Image template : templates) {
            boolean current = template.getLabels() != null && baseId.equals(template.getLabels().get(BASE_ID));
            if (current && kept < KEPT_PER_BASE) {
                kept++;
                continue;
            }
            for (String reference : template.getRepoTags()) {
                if (reference.startsWith(REPOSITORY + ":")) {
                    quietly(() -> client.removeImageCmd(reference).exec());
                }
            }
        }
    }

    /** The parameters the template's image has, as its build read them from {@code postgres --describe-config}. */
    static ParameterCatalog parameters(DockerClient client, DockerImageName template, int major, PostgresImage base) {
        Map<String, String> labels = client.inspectImageCmd(template.asCanonicalNameString()).exec().getConfig().getLabels();
        String lines = labels == null ? null : labels.get(PARAMETERS);
        if (lines == null) {
            throw new IllegalStateException("template " + template + " has no label " + PARAMETERS
                    + "; remove it (docker rmi " + template + ") and the next start makes it again");
        }
        return ParameterCatalog.parseLines(lines, catalogSource(major, base));
    }

    static String catalogSource(int major, PostgresImage base) {
        return "PostgreSQL " + major + " (postgres --describe-config of image " + base + ")";
    }

    private static boolean present(DockerClient client, String reference) {
        try {
            client.inspectImageCmd(reference).exec();
            return true;
        } catch (NotFoundException absent) {
            return false;
        }
    }

    private interface Work<T> {
        T run();
    }

    /** Concurrent Maven forks on this machine make each template once: a lock file per key in the temp directory. */
    private static <T> T withMachineLock(String key, Work<T> work) {
        Path lockFile = Path.of(System.getProperty("java.io.tmpdir"), "hotstandby-template-" + key + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return work.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile, e);
        }
    }

    /** Another JVM may remove or use the same image right now: "in use" and "not found" are fine. */
    private static void quietly(Runnable removal) {
        try {
            removal.run();
        } catch (DockerException ignored) {
            // stays for now; the next template made for this base tries again
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> orderedFloors() {
        Map<String, String> floors = new java.util.LinkedHashMap<>();
        floors.put("max_connections", "4");
        floors.put("max_worker_processes", "0");
        floors.put("max_wal_senders", "0");
        floors.put("max_prepared_transactions", "0");
        floors.put("max_locks_per_transaction", "10");
        return floors;
    }
}
