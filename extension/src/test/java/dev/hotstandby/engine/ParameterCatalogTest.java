package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hotstandby.ClusterConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names checked against {@code postgres --describe-config} lines, as the local backend reads them. */
class ParameterCatalogTest {
    private static final String DESCRIBED = String.join("\n",
            "work_mem\tuser\tResource Usage / Memory\tINTEGER\t0\t64\t2147483647\tSets the maximum memory.\t",
            "shared_buffers\tpostmaster\tResource Usage / Memory\tINTEGER\t0\t16\t1073741823\tSets the number of buffers.\t",
            "maintenance_work_mem\tuser\tResource Usage / Memory\tINTEGER\t0\t1024\t2147483647\tFor maintenance.\t",
            "max_standby_streaming_delay\tsighup\tReplication / Standby Servers\tINTEGER\t0\t-1\t2147483647\tDelay.\t",
            "max_standby_archive_delay\tsighup\tReplication / Standby Servers\tINTEGER\t0\t-1\t2147483647\tDelay.\t",
            "DateStyle\tuser\tClient Connection Defaults\tSTRING\tISO, MDY\t\t\tSets the display format.\t",
            "");
    private final ParameterCatalog catalog = ParameterCatalog.parseDescribeConfig(DESCRIBED, "PostgreSQL 15 (test)");

    @Test
    void nearMissesAreNamedAsDidYouMean() {
        assertThat(catalog.unknown("work_men"))
                .hasValue("\"work_men\" is not a parameter of PostgreSQL 15 (test); did you mean \"work_mem\"?");
        assertThat(catalog.unknown("shared_bufers")).hasValue(
                "\"shared_bufers\" is not a parameter of PostgreSQL 15 (test); did you mean \"shared_buffers\"?");
        assertThat(catalog.unknown("max_standby_streaming_dela")).hasValue("\"max_standby_streaming_dela\" is not a"
                + " parameter of PostgreSQL 15 (test); did you mean \"max_standby_streaming_delay\"?");
    }

    @Test
    void aPrefixSuggestsWhatItBegins() {
        assertThat(catalog.unknown("shared_buf")).hasValue(
                "\"shared_buf\" is not a parameter of PostgreSQL 15 (test); did you mean \"shared_buffers\"?");
        assertThat(catalog.unknown("max_standby")).hasValue("\"max_standby\" is not a parameter of PostgreSQL 15 (test);"
                + " did you mean \"max_standby_archive_delay\" or \"max_standby_streaming_delay\"?");
    }

    @Test
    void farOffNamesGetNoSuggestion() {
        assertThat(catalog.unknown("no_such_thing")).hasValue("\"no_such_thing\" is not a parameter of PostgreSQL 15 (test)");
    }

    @Test
    void knownNamesInAnyCaseTheSettableOnesTheSampleLeavesOutAndExtensionNamesPass() {
        assertThat(catalog.unknown("work_mem")).isEmpty();
        assertThat(catalog.unknown("datestyle")).isEmpty();
        assertThat(catalog.unknown("application_name")).isEmpty();
        assertThat(catalog.unknown("pg_stat_statements.max")).isEmpty();
        assertThat(catalog.context("shared_buffers")).hasValue("postmaster");
        assertThat(catalog.context("application_name")).hasValue("user");
        assertThat(catalog.context("wrok_mem")).isEmpty();
    }

    @Test
    void requireSettableNamesEveryProblemAtOnce() {
        assertThatThrownBy(() -> catalog.requireSettable(List.of("work_mem", "work_men", "port"), "@PostgresStandbyCluster on [OrdersIT]"))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage("@PostgresStandbyCluster on [OrdersIT]: \"work_men\" is not a parameter of PostgreSQL 15 (test);"
                        + " did you mean \"work_mem\"?; port is hotstandby's own: each node gets a free port of its own;"
                        + " read it from PostgresNode.port()");
        catalog.requireSettable(List.of("work_mem", "DateStyle"), "owner");
    }

    @Test
    void editDistanceStopsAtTheLimit() {
        assertThat(ParameterCatalog.levenshtein("work_mem", "work_mem", 2)).isZero();
        assertThat(ParameterCatalog.levenshtein("work_mem", "wrk_mem", 2)).isEqualTo(1);
        assertThat(ParameterCatalog.levenshtein("work_mem", "wokr_mem", 2)).isEqualTo(2);
        assertThat(ParameterCatalog.levenshtein("work_mem", "shared_buffers", 2)).isEqualTo(3);
    }

    @Test
    void itsLinesReadBackAsTheSameCatalog() {
        ParameterCatalog kept = ParameterCatalog.parseLines(catalog.lines(), "PostgreSQL 15 (kept)");

        assertThat(kept.lines()).isEqualTo(catalog.lines()).contains("DateStyle\tuser\n", "shared_buffers\tpostmaster\n");
        assertThat(kept.context("datestyle")).hasValue("user");
        assertThat(kept.unknown("work_men")).hasValue(
                "\"work_men\" is not a parameter of PostgreSQL 15 (kept); did you mean \"work_mem\"?");
    }
}
