package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.junit.PostgresStandbyCluster;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The one description of the options agrees with the builder and the annotation it drives: a new
 * attribute without its entry, or an entry whose default differs from the builder's, fails here.
 */
class ClusterOptionsTest {
    /** The JUnit layer's own: what becomes of a cluster after a failed test is no cluster option. */
    private static final List<String> JUNIT_ONLY = List.of("cleanup");

    @Test
    void everyAttributeOfTheAnnotationIsAnOptionAndEveryAnnotatedOptionAnAttribute() {
        List<String> attributes = Arrays.stream(PostgresStandbyCluster.class.getDeclaredMethods()).map(Method::getName)
                .filter(name -> !JUNIT_ONLY.contains(name)).sorted().toList();
        List<String> annotated = ClusterOptions.ALL.stream().filter(ClusterOption::annotated).map(ClusterOption::name)
                .sorted().toList();

        assertThat(annotated).isEqualTo(attributes);
    }

    /** Settings are given to the builder one at a time: {@code setting(name, value)} for the option {@code settings}. */
    @Test
    void everyOptionIsAPublicMethodOfTheBuilder() {
        List<String> builderMethods = Arrays.stream(PostgresCluster.Builder.class.getDeclaredMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers())).map(Method::getName).toList();

        assertThat(ClusterOptions.ALL).extracting(ClusterOption::name).allSatisfy(name -> assertThat(builderMethods)
                .containsAnyOf(name, name.toLowerCase(java.util.Locale.ROOT).endsWith("settings") ? name.substring(0, name.length() - 1) : name));
    }

    @Test
    void theAnnotationsDefaultsAreTheBuildersDefaults() throws Exception {
        PostgresCluster.Builder fromDefaults = PostgresCluster.builder();
        for (ClusterOption option : ClusterOptions.ALL) {
            if (option.annotated()) {
                option.applyAttribute(fromDefaults, PostgresStandbyCluster.class.getMethod(option.name()).getDefaultValue(), "test");
            }
        }

        assertThat(fromDefaults.spec(new Properties())).isEqualTo(PostgresCluster.builder().spec(new Properties()));
    }

    @Test
    void attributesAreGivenToTheBuilderAsTheAnnotationDeclaresThem() {
        PostgresCluster.Builder builder = PostgresCluster.builder();
        apply(builder, "standbys", 2);
        apply(builder, "synchronous", true);
        apply(builder, "quorum", "ANY 1");
        apply(builder, "upstreams", new int[] {-1, 0});
        apply(builder, "settings", new String[] {"work_mem=8MB"});
        apply(builder, "standbySettings", new String[] {"hot_standby_feedback=on"});
        apply(builder, "initScripts", new String[] {"settings/orders-schema.sql"});

        ClusterSpec spec = builder.spec(new Properties());
        assertThat(spec.standbys()).isEqualTo(2);
        assertThat(spec.replication().quorum()).isEqualTo(Quorum.any(1));
        assertThat(spec.replication().upstreamOf(1)).isZero();
        assertThat(spec.settings().everyNode()).containsEntry("work_mem", "8MB");
        assertThat(spec.settings().standbysOnly()).containsEntry("hot_standby_feedback", "on");
        assertThat(spec.application().initScripts()).containsExactly("settings/orders-schema.sql");
    }

    @Test
    void aBadAttributeIsNamedWithItsOwner() {
        assertThatThrownBy(() -> apply(PostgresCluster.builder(), "quorum", "SOME 1"))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessageStartingWith("@PostgresStandbyCluster on [T]: quorum must look like \"FIRST 1\"");
    }

    private static void apply(PostgresCluster.Builder builder, String name, Object value) {
        ClusterOptions.named(name).orElseThrow().applyAttribute(builder, value, "@PostgresStandbyCluster on [T]");
    }
}
