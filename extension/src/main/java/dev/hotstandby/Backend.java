package dev.hotstandby;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where the nodes of a {@link PostgresCluster} run. */
public enum Backend {
    /** Local PostgreSQL processes: the embedded default, binaries from Maven, nothing to install. */
    LOCAL,
    /** One container per node, through Testcontainers. */
    CONTAINERS,
    /** Vagrant machines provisioned over SSH: {@code vagrant up} from the library, {@code vagrant destroy} after. */
    VAGRANT,
    /** Existing hosts provisioned over SSH ({@link SshHosts}). */
    SSH;

    /** Parses a value of the {@code hotstandby.backend} system property, case-insensitively. */
    static Backend parse(String value, String source) {
        for (Backend backend : values()) {
            if (backend.name().equalsIgnoreCase(value.trim())) {
                return backend;
            }
        }
        throw new ClusterConfigurationException(source + ": unknown backend '" + value
                + "'; use one of " + allowedValues());
    }

    static String allowedValues() {
        return Arrays.stream(values()).map(b -> b.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }
}
