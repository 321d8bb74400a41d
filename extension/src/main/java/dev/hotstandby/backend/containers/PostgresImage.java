package dev.hotstandby.backend.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.hotstandby.ClusterConfigurationException;
import dev.hotstandby.ClusterSpec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.testcontainers.utility.DockerImageName;

/**
 * The image every node of a cluster runs: {@code image} / {@code -Dhotstandby.image}, or the official
 * {@code postgres:<major>}. Any image that keeps the official image's contract works:
 * {@code POSTGRES_PASSWORD}, {@code POSTGRES_USER}, {@code POSTGRES_INITDB_ARGS},
 * {@code POSTGRES_HOST_AUTH_METHOD}, {@code PGDATA}, {@code /docker-entrypoint-initdb.d/*.sh} run at
 * the first start, a {@code PGDATA} holding a database started as it is, {@code docker-entrypoint.sh
 * postgres}, and bash, pg_basebackup and psql on the PATH. Nodes run a template made from it once
 * ({@link TemplateImages}).
 */
record PostgresImage(DockerImageName name) {
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);

    static PostgresImage of(ClusterSpec spec) {
        String reference = spec.image().isEmpty() ? "postgres:" + spec.major() : spec.image();
        try {
            DockerImageName name = DockerImageName.parse(reference);
            name.assertValid();
            return new PostgresImage(name);
        } catch (IllegalArgumentException invalid) {
            throw new ClusterConfigurationException(spec.owner() + ": image must be a Docker image reference such as"
                    + " \"postgres:" + spec.major() + "\" but was \"" + reference + "\": " + invalid.getMessage());
        }
    }

    /**
     * Present locally, or pulled once now: a missing image fails at once with the daemon's reason,
     * instead of after Testcontainers' two minutes of pull retries.
     */
    Optional<String> whyUnavailable(DockerClient client) {
        String reference = name.asCanonicalNameString();
        try {
            client.inspectImageCmd(reference).exec();
            return Optional.empty();
        } catch (NotFoundException absent) {
            // pull it below
        }
        try {
            boolean done = client.pullImageCmd(name.getUnversionedPart()).withTag(name.getVersionPart())
                    .exec(new PullImageResultCallback()).awaitCompletion(PULL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                return Optional.of("image " + reference + " is not present and pulling it took more than " + PULL_TIMEOUT);
            }
            client.inspectImageCmd(reference).exec();
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while pulling " + reference);
        } catch (RuntimeException e) {
            return Optional.of("image " + reference + " is not present and cannot be pulled: " + String.valueOf(e.getMessage()).strip());
        }
    }

    /** The image's {@code PGDATA}, which the contract requires it to set. */
    String dataDirectory(DockerClient client) {
        String[] environment = client.inspectImageCmd(name.asCanonicalNameString()).exec().getConfig().getEnv();
        for (String variable : environment == null ? new String[0] : environment) {
            if (variable.startsWith("PGDATA=") && variable.length() > "PGDATA=".length()) {
                return variable.substring("PGDATA=".length());
            }
        }
        throw new ClusterConfigurationException("image " + this + " sets no PGDATA; hotstandby needs an image that follows"
                + " the official postgres image's contract (PGDATA, POSTGRES_PASSWORD, /docker-entrypoint-initdb.d,"
                + " docker-entrypoint.sh postgres)");
    }

    @Override
    public String toString() {
        return name.asCanonicalNameString();
    }
}
