package dev.hotstandby.junit;

import dev.hotstandby.ClusterSpec;
import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** A parameter or field that asks for a node handle or the cluster, validated before anything starts. */
final class InjectionPoint {
    private static final List<Class<?>> NODE_HANDLES = List.of(DataSource.class, Connection.class, PostgresNode.class);

    private final String description;
    private final Class<?> type;
    private final Primary primary;
    private final Standby standby;

    private InjectionPoint(String description, Class<?> type, AnnotatedElement element) {
        this.description = description;
        this.type = type;
        this.primary = element.getAnnotation(Primary.class);
        this.standby = element.getAnnotation(Standby.class);
    }

    static InjectionPoint of(Parameter parameter) {
        Executable executable = parameter.getDeclaringExecutable();
        int index = Arrays.asList(executable.getParameters()).indexOf(parameter);
        return new InjectionPoint(describe(executable, index, parameter.isNamePresent() ? parameter.getName() : null,
                parameter.getType()), parameter.getType(), parameter);
    }

    /**
     * {@code parameter [third] of [OrdersIT.reads]}; without a name in the class file (compiled without
     * {@code -parameters}, where reflection would say {@code arg0}) the position and type:
     * {@code parameter 0 (DataSource) of [OrdersIT.reads]}.
     */
    static String describe(Executable executable, int index, String name, Class<?> type) {
        String owner = executable.getDeclaringClass().getSimpleName();
        String where = executable instanceof Constructor<?> ? owner + " constructor" : owner + "." + executable.getName();
        String which = name != null ? "[" + name + "]" : index + " (" + type.getSimpleName() + ")";
        return "parameter " + which + " of [" + where + "]";
    }

    static InjectionPoint of(Field field) {
        return new InjectionPoint("field [" + field.getDeclaringClass().getSimpleName() + "." + field.getName() + "]",
                field.getType(), field);
    }

    /** Parameters and fields this extension answers for: qualified ones, and the cluster itself. */
    boolean isOurs() {
        return primary != null || standby != null || type == PostgresCluster.class || type == PostgresNode.class;
    }

    static boolean isInjectableField(Field field) {
        boolean qualified = field.isAnnotationPresent(Primary.class) || field.isAnnotationPresent(Standby.class);
        return qualified || (field.getType() == PostgresCluster.class && !Modifier.isFinal(field.getModifiers()));
    }

    /** A @Primary Connection or PostgresNode stays on the node it was resolved to, even after a failover. */
    boolean pinsThePrimary() {
        return primary != null && (type == Connection.class || type == PostgresNode.class);
    }

    /** Why this point cannot be served by a cluster built from {@code spec}, or empty if it can. */
    Optional<String> problem(ClusterSpec spec) {
        String qualifier = primary != null ? "@Primary" : standby != null ? "@Standby(" + standby.value() + ")" : null;
        if (primary != null && standby != null) {
            return Optional.of(description + " carries both @Primary and @Standby; keep the one that names the node you want");
        }
        if (type == PostgresCluster.class) {
            return qualifier == null ? Optional.empty() : Optional.of(description + ": a PostgresCluster is the whole"
                    + " cluster and takes no qualifier; remove " + qualifier);
        }
        if (qualifier == null) {
            return Optional.of(description + ": a PostgresNode needs @Primary or @Standby(i) to say which node");
        }
        if (!NODE_HANDLES.contains(type)) {
            return Optional.of("Can only resolve " + qualifier + " " + kind() + " of type javax.sql.DataSource,"
                    + " java.sql.Connection or dev.hotstandby.PostgresNode but was: " + type.getName() + " (" + description + ")");
        }
        if (standby != null && (standby.value() < 0 || standby.value() >= spec.standbys())) {
            return Optional.of(qualifier + " on " + description + ": " + spec.owner() + " has " + spec.standbys()
                    + " standby(s)" + (spec.standbys() == 0 ? "; raise standbys" : ", so use " + validStandbys(spec.standbys())
                    + " or raise standbys"));
        }
        return Optional.empty();
    }

    private static String validStandbys(int standbys) {
        return standbys == 1 ? "@Standby(0)" : "@Standby(0) to @Standby(" + (standbys - 1) + ")";
    }

    private String kind() {
        return description.startsWith("field") ? "field" : "parameter";
    }

    /** The value to inject; a connection is opened here and must be closed by the caller's scope. */
    Object resolve(PostgresCluster cluster) throws SQLException {
        if (type == PostgresCluster.class) {
            return cluster;
        }
        if (primary != null && type == DataSource.class) {
            return new CurrentPrimaryDataSource(cluster);
        }
        PostgresNode node = primary != null ? cluster.primary() : cluster.standby(standby.value());
        if (type == DataSource.class) {
            return node.dataSource();
        }
        if (type == Connection.class) {
            return node.dataSource().getConnection();
        }
        return node;
    }

    @Override
    public String toString() {
        return description;
    }
}
