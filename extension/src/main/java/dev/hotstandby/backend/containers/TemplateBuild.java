package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.engine.ParameterCatalog;
import dev.hotstandby.internal.Passwords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Makes one template image: a container of the base image whose entrypoint initialises
 * {@code PGDATA} (the image's own contract, with initdb.sh as its hook taking the repository's
 * configs/), starts the server once with the final settings (so pg_control records them), stops it
 * cleanly and keeps a copy of the data directory outside the image's volume; then {@code docker
 * commit}. Through docker-java, not Testcontainers: a Testcontainers container's session labels
 * would be committed into the image, and its Ryuk would then remove the image with the session.
 * No network, so nothing can reach the server while it runs; the builder container is removed in
 * any case.
 */
final class TemplateBuild {
    private static final Pattern READY = Pattern.compile("database system is ready to accept connections");
    private static final Pattern MADE = Pattern.compile("hotstandby: template made");
    /** A cap, not a reservation: tmpfs takes memory only as files fill it. */
    private static final String TMPFS_SIZE = "4g";

    private final DockerClient client;
    private final PostgresImage base;
    private final int major;
    private final List<String> environment;

    TemplateBuild(DockerClient client, PostgresImage base, int major, List<String> environment) {
        this.client = client;
        this.base = base;
        this.major = major;
        this.environment = environment;
    }

    /** Commits the template as {@code repository:tag} with {@code labels}; returns the image id. */
    String run(String repository, String tag, Map<String, String> labels, String nodeConf, long deadline) {
        String name = TemplateImages.BUILDER_PREFIX + Passwords.randomName(8);
        List<String> env = new ArrayList<>(environment);
        env.add("HOTSTANDBY_ROLE=template");
        String id = client.createContainerCmd(base.toString()).withName(name)
                .withEntrypoint("bash", NodeContainers.SCRIPTS + "/node.sh")
                .withEnv(env)
                .withLabels(Labels.forTemplateBuilder())
                .withHostConfig(HostConfig.newHostConfig().withInit(true).withNetworkMode("none")
                        .withTmpFs(Map.of(base.dataDirectory(client), "rw,nosuid,nodev,size=" + TMPFS_SIZE)))
                .exec().getId();
        Output output = new Output();
        try {
            Map<String, byte[]> scripts = new LinkedHashMap<>();
            scripts.put("hotstandby/node.sh", NodeContainers.resource("node.sh"));
            scripts.put("docker-entrypoint-initdb.d/hotstandby.sh", NodeContainers.resource("initdb.sh"));
            client.copyArchiveToContainerCmd(id).withRemotePath("/")
                    .withTarInputStream(new ByteArrayInputStream(Tar.of(scripts, Tar.Owner.ROOT, 0755))).exec();
            client.startContainerCmd(id).exec();
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).exec(output);
            int installed = new TemplateConfigExchange(major, client, base).installConfiguration(output, id, nodeConf, deadline);
            output.awaitLine(READY, installed, deadline, "the template server's start with its configuration");
            labels = new HashMap<>(labels);
            labels.put(TemplateImages.PARAMETERS, describeConfig(id, deadline).lines());
            client.copyArchiveToContainerCmd(id).withRemotePath("/tmp").withTarInputStream(new ByteArrayInputStream(
                    Tar.of(Map.of("hotstandby-template-stop", new byte[0]), Tar.Owner.ROOT, 0644))).exec();
            output.awaitLine(MADE, installed, deadline, "the template server's clean stop and the copy of its data");
            Integer status = client.waitContainerCmd(id).start()
                    .awaitStatusCode(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (status == null || status != 0) {
                throw new ClusterStartException("the container making the template exited with status " + status
                        + ":\n" + output.tail(30));
            }
            return client.commitCmd(id).withRepository(repository).withTag(tag).withLabels(labels)
                    // the builder's role is not the image's: each node's container says its own
                    .withEnv("HOTSTANDBY_ROLE=")
                    .exec();
        } catch (IOException e) {
            throw new ClusterStartException("making a template of " + base + " failed: " + e, e);
        } catch (ClusterStartException e) {
            throw new ClusterStartException("making a template of " + base + " failed: " + e.getMessage()
                    + "\nits log:\n" + output.tail(30), e);
        } finally {
            try {
                output.close();
            } catch (IOException ignored) {
                // the log stream ends with the container anyway
            }
            try {
                client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException alreadyGone) {
                // removed by a reaper meanwhile
            }
        }
    }

    /**
     * The image's {@code postgres --describe-config} (the one postgres mode that runs as root), so
     * that every cluster of the template checks its settings' names before any container starts.
     */
    private ParameterCatalog describeConfig(String id, long deadline) {
        String exec = client.execCreateCmd(id).withCmd("postgres", "--describe-config")
                .withAttachStdout(true).withAttachStderr(true).exec().getId();
        Output described = new Output();
        try {
            client.execStartCmd(exec).exec(described)
                    .awaitCompletion(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStartException("interrupted while reading postgres --describe-config of " + base);
        }
        return ParameterCatalog.parseDescribeConfig(described.text(), TemplateImages.catalogSource(major, base));
    }

    /** The builder's output, split into lines, so the exchange can wait for its markers. */
    static final class Output extends ResultCallback.Adapter<Frame> {
        private final LogLines lines = new LogLines("the container making the template");
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public void onNext(Frame frame) {
            synchronized (partial) {
                for (byte b : frame.getPayload()) {
                    if (b == '\n') {
                        lines.add(partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                    } else {
                        partial.write(b);
                    }
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (partial) {
                if (partial.size() > 0) {
                    lines.add(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                }
            }
            lines.end();
            super.onComplete();
        }

        /** The index of the first line at or after {@code from} matching {@code pattern}; fails if the output ends first. */
        int awaitLine(Pattern pattern, int from, long deadline, String what) {
            return lines.await(pattern, from, deadline, what, java.util.Optional::empty);
        }

        String text() {
            return lines.text();
        }

        String tail(int count) {
            return lines.tail(count);
        }
    }
}
