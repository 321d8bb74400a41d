package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Expected values compare as the user means them: 1 is count(*)'s 1L, but "1" is not 1. */
class ReplicatedRowTest {

    @Test
    void numbersOfDifferentTypesCompareByValue() {
        assertThat(ReplicatedRow.sameValue(1L, 1)).isTrue();
        assertThat(ReplicatedRow.sameValue(1, 1L)).isTrue();
        assertThat(ReplicatedRow.sameValue(new BigDecimal("2.50"), 2.5)).isTrue();
        assertThat(ReplicatedRow.sameValue(BigInteger.TEN, (short) 10)).isTrue();
        assertThat(ReplicatedRow.sameValue(1.5f, new BigDecimal("1.5"))).isTrue();
        assertThat(ReplicatedRow.sameValue(Double.NaN, Double.NaN)).isTrue();
    }

    @Test
    void differentNumbersAndDifferentKindsDiffer() {
        assertThat(ReplicatedRow.sameValue(2L, 1)).isFalse();
        assertThat(ReplicatedRow.sameValue(new BigDecimal("1.01"), 1)).isFalse();
        assertThat(ReplicatedRow.sameValue(Double.POSITIVE_INFINITY, 1)).isFalse();
        assertThat(ReplicatedRow.sameValue("1", 1)).isFalse();
        assertThat(ReplicatedRow.sameValue(null, 1)).isFalse();
        assertThat(ReplicatedRow.sameValue("a", "a")).isTrue();
    }

    @Test
    void aValueOfAnotherKindIsDescribedWithBothTypes() {
        assertThat(ReplicatedRow.describe("1", 1))
                .isEqualTo("1 (a java.lang.String, where the expected 1 is a java.lang.Integer)");
        assertThat(ReplicatedRow.describe(2L, 1)).isEqualTo("2");
        assertThat(ReplicatedRow.describe("b", "a")).isEqualTo("b");
    }

    @Test
    void countMatchesAnIntAndAStringDoesNotOnARealStandby() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.builder().standbys(1).start();
             Connection primary = cluster.primary().dataSource().getConnection();
             Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE t (id int)");
            statement.execute("INSERT INTO t VALUES (1)");

            long started = System.nanoTime();
            Object found = ReplicatedRow.on(cluster.standby(0)).within(Duration.ofSeconds(20))
                    .awaitValue("SELECT count(*) FROM t", 1);
            assertThat(found).isEqualTo(1L);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

            assertThatThrownBy(() -> ReplicatedRow.on(cluster.standby(0)).within(Duration.ofMillis(200))
                    .awaitValue("SELECT id::text FROM t", 1))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("standby-0: expected the value 1 from [SELECT id::text FROM t]")
                    .hasMessageContaining("but the query last returned 1 (a java.lang.String, where the expected 1 is"
                            + " a java.lang.Integer)");
        }
    }
}
