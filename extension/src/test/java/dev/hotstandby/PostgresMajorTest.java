package dev.hotstandby;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The majors hotstandby accepts, and messages that say the supported range and what to write instead. */
class PostgresMajorTest {
    private static final String SOURCE = "@PostgresStandbyCluster on [OrdersIT]: version";

    @Test
    void emptyMeansTheDefaultAndTheRangeIsAccepted() {
        assertThat(PostgresMajor.parse("", SOURCE)).isEqualTo(PostgresMajor.DEFAULT);
        assertThat(PostgresMajor.parse(" 10 ", SOURCE)).isEqualTo(10);
        assertThat(PostgresMajor.parse("18", SOURCE)).isEqualTo(18);
    }

    @Test
    void aNineDotMajorSaysTheRangeAndThatNineIsOutOfSupport() {
        assertThatThrownBy(() -> PostgresMajor.parse("9.1", SOURCE))
                .isInstanceOf(ClusterConfigurationException.class)
                .hasMessage(SOURCE + " must be a PostgreSQL major from 10 to 18 but was \"9.1\": PostgreSQL 9.x and older"
                        + " are out of support, the oldest major hotstandby runs is 10");
        assertThatThrownBy(() -> PostgresMajor.parse("9", SOURCE))
                .hasMessageContaining("from 10 to 18 but was \"9\": PostgreSQL 9 and older are out of support");
    }

    @Test
    void aMinorReleaseAsksForTheMajorOrAnExactBinariesVersion() {
        assertThatThrownBy(() -> PostgresMajor.parse("17.2", SOURCE))
                .hasMessage(SOURCE + " must be a PostgreSQL major from 10 to 18 but was \"17.2\": name the major only,"
                        + " such as \"17\" (its binaries bring their newest minor), or an exact binaries version such as"
                        + " \"16.15.0\"");
    }

    @Test
    void anExactBinariesVersionPinsItsMajorAndIsKept() {
        assertThat(PostgresMajor.parse(" 16.15.0 ", SOURCE)).isEqualTo(16);
        assertThat(PostgresMajor.exactVersion(" 16.15.0 ")).isEqualTo("16.15.0");
        assertThat(PostgresMajor.exactVersion("16")).isEmpty();
        assertThat(PostgresMajor.exactVersion("")).isEmpty();
        assertThatThrownBy(() -> PostgresMajor.parse("19.1.0", SOURCE))
                .hasMessage(SOURCE + " must be a PostgreSQL major from 10 to 18 but was \"19.1.0\"");
    }

    @Test
    void notANumberSaysHowToGetTheDefaultInTheCallersTerms() {
        assertThatThrownBy(() -> PostgresMajor.parse("latest", SOURCE))
                .hasMessage(SOURCE + " must be a PostgreSQL major such as \"18\" (from 10 to 18; or \"\" for the default,"
                        + " 18) but was \"latest\"");
        assertThatThrownBy(() -> PostgresMajor.parse("latest", "--version", "leave --version out for 18"))
                .hasMessage("--version must be a PostgreSQL major such as \"18\" (from 10 to 18; or leave --version out"
                        + " for 18) but was \"latest\"");
    }

    @Test
    void outOfRangeNumbersSayTheRange() {
        assertThatThrownBy(() -> PostgresMajor.parse("99", SOURCE))
                .hasMessage(SOURCE + " must be a PostgreSQL major from 10 to 18 but was \"99\"");
        assertThatThrownBy(() -> PostgresMajor.parse("-1", SOURCE))
                .hasMessage(SOURCE + " must be a PostgreSQL major from 10 to 18 but was \"-1\"");
    }
}
