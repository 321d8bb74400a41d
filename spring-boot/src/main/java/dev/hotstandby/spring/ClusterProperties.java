package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.env.MapPropertySource;

/**
 * The {@code hotstandby.*} properties, for applications that read their own property names:
 * {@code app.replica.url=${hotstandby.standbys[0].url}}. Taken when the context starts.
 */
final class ClusterProperties {
    static final String SOURCE_NAME = "hotstandby";

    private ClusterProperties() {
    }

    static MapPropertySource of(PostgresCluster cluster) {
        Map<String, Object> properties = new LinkedHashMap<>();
        node(properties, "hotstandby.primary", cluster.primary());
        List<PostgresNode> standbys = cluster.standbys();
        for (int index = 0; index < standbys.size(); index++) {
            node(properties, "hotstandby.standbys[" + index + "]", standbys.get(index));
        }
        properties.put("hotstandby.multihost-url", cluster.multiHostJdbcUrl());
        properties.put("hotstandby.username", cluster.primary().username());
        properties.put("hotstandby.password", cluster.primary().password());
        properties.put("hotstandby.database", cluster.primary().database());
        return new MapPropertySource(SOURCE_NAME, properties);
    }

    private static void node(Map<String, Object> properties, String prefix, PostgresNode node) {
        properties.put(prefix + ".url", node.jdbcUrl());
        properties.put(prefix + ".host", node.host());
        properties.put(prefix + ".port", node.port());
        properties.put(prefix + ".name", node.name());
    }
}
