package dev.hotstandby.spring;

import org.springframework.core.env.Environment;

/** What Boot's auto-configured DataSource connects to: the {@code hotstandby.datasource} property. */
enum PrimaryDataSourceMode {
    /** The primary's own URL, as {@code @ServiceConnection} does it: after a failover it still reaches the old one. */
    PRIMARY,
    /** Every node with {@code targetServerType=primary}: new connections follow {@code promote()}. */
    MULTIHOST,
    /** No connection details: the application's {@code spring.datasource.*} apply as they are. */
    NONE;

    static final String PROPERTY = "hotstandby.datasource";

    static PrimaryDataSourceMode of(Environment environment) {
        String value = environment.getProperty(PROPERTY, "primary").trim();
        for (PrimaryDataSourceMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new IllegalStateException(PROPERTY + " must be primary, multihost or none but was '" + value + "'");
    }
}
