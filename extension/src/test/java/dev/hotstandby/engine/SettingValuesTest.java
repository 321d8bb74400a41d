package dev.hotstandby.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values as a test writes them against pg_settings rows as PostgreSQL 15 reports them. */
class SettingValuesTest {

    @Test
    void memoryInAnyUnitAgainstTheBaseUnit() {
        assertThat(SettingValues.matches("integer", "kB", "8192", "8MB", "8MB")).isTrue();
        assertThat(SettingValues.matches("integer", "kB", "8192", "8MB", "8192kB")).isTrue();
        assertThat(SettingValues.matches("integer", "kB", "8192", "8MB", "8192")).isTrue();
        assertThat(SettingValues.matches("integer", "8kB", "4096", "32MB", "32 MB")).isTrue();
        assertThat(SettingValues.matches("integer", "8kB", "4096", "32MB", "32768kB")).isTrue();
        assertThat(SettingValues.matches("integer", "kB", "4096", "4MB", "8MB")).isFalse();
        assertThat(SettingValues.matches("integer", "8kB", "16384", "128MB", "32MB")).isFalse();
    }

    @Test
    void timeInAnyUnitAgainstTheBaseUnit() {
        assertThat(SettingValues.matches("integer", "ms", "5000", "5s", "5s")).isTrue();
        assertThat(SettingValues.matches("integer", "ms", "120000", "2min", "2min")).isTrue();
        assertThat(SettingValues.matches("integer", "ms", "-1", "-1", "-1")).isTrue();
        assertThat(SettingValues.matches("integer", "s", "60", "1min", "60000ms")).isTrue();
        assertThat(SettingValues.matches("integer", "ms", "30000", "30s", "3s")).isFalse();
        assertThat(SettingValues.matches("integer", "ms", "30000", "30s", "30MB")).isFalse();
    }

    @Test
    void booleansEnumsRealsAndStrings() {
        assertThat(SettingValues.matches("bool", "", "off", "off", "false")).isTrue();
        assertThat(SettingValues.matches("bool", "", "on", "on", "yes")).isTrue();
        assertThat(SettingValues.matches("bool", "", "on", "on", "0")).isFalse();
        assertThat(SettingValues.matches("enum", "", "replica", "replica", "REPLICA")).isTrue();
        assertThat(SettingValues.matches("real", "", "1.5", "1.5", "1.50")).isTrue();
        assertThat(SettingValues.matches("real", "", "4", "4", "1.5")).isFalse();
        assertThat(SettingValues.matches("string", "", "ISO, MDY", "ISO, MDY", "iso, mdy")).isTrue();
        assertThat(SettingValues.matches("string", "", "UTC", "UTC", "Europe/Paris")).isFalse();
    }
}
