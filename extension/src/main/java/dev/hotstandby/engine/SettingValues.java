package dev.hotstandby.engine;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a server shows the value a test asked for, as PostgreSQL normalises it: {@code pg_settings.setting}
 * holds numbers in the parameter's base unit ({@code work_mem = '8MB'} reads 8192 with unit kB,
 * {@code shared_buffers = '32MB'} 4096 with unit 8kB), booleans as on/off, enums and strings as the
 * server spells them. PostgreSQL has no function that normalises a value without setting it, so the
 * conversion is done here, with PostgreSQL's units: B, kB, MB, GB, TB (factors of 1024) and us, ms, s,
 * min, h, d. An integer in another unit than the base one may be rounded (12 and newer) or truncated
 * (older): either neighbour counts as the value.
 */
final class SettingValues {
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("\\s*([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*([a-zA-Z]*)\\s*");
    private static final Pattern BASE_UNIT = Pattern.compile("([0-9]*)\\s*([a-zA-Z]+)");

    private SettingValues() {
    }

    /**
     * @param vartype   {@code pg_settings.vartype}: bool, integer, real, enum, string
     * @param unit      {@code pg_settings.unit}, or empty
     * @param setting   {@code pg_settings.setting}
     * @param shown     {@code current_setting(name)}, as SHOW gives it
     * @param requested what the test asked for
     */
    static boolean matches(String vartype, String unit, String setting, String shown, String requested) {
        String wanted = requested.trim();
        if (wanted.equalsIgnoreCase(setting) || wanted.equalsIgnoreCase(shown)) {
            return true;
        }
        return switch (vartype) {
            case "bool" -> boolOf(wanted).equals(setting);
            case "integer", "real" -> numeric(vartype, unit, setting, wanted);
            default -> false;
        };
    }

    /** PostgreSQL's spellings of a boolean, unique prefixes included; anything else as it is. */
    private static String boolOf(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (v.equals("on") || v.equals("1") || (!v.isEmpty() && ("true".startsWith(v) || "yes".startsWith(v)))) {
            return "on";
        }
        if (v.equals("0") || (v.length() >= 2 && "off".startsWith(v)) || (!v.isEmpty() && ("false".startsWith(v) || "no".startsWith(v)))) {
            return "off";
        }
        return v;
    }

    private static boolean numeric(String vartype, String unit, String setting, String wanted) {
        Matcher number = NUMBER_WITH_UNIT.matcher(wanted);
        double actual;
        try {
            actual = Double.parseDouble(setting);
        } catch (NumberFormatException notANumber) {
            return false;
        }
        if (!number.matches()) {
            return false;
        }
        double value = Double.parseDouble(number.group(1));
        String givenUnit = number.group(2);
        double exact;
        if (givenUnit.isEmpty()) {
            exact = value;
        } else {
            double base = baseFactor(unit);
            double given = factor(givenUnit);
            if (Double.isNaN(base) || Double.isNaN(given) || isMemory(givenUnit) != isMemory(baseUnitName(unit))) {
                return false;
            }
            exact = value * given / base;
        }
        if ("integer".equals(vartype)) {
            return actual == Math.floor(exact) || actual == Math.ceil(exact) || actual == Math.rint(exact);
        }
        return Math.abs(actual - exact) <= 1e-9 * Math.max(1, Math.abs(exact));
    }

    /** The size of one base unit ({@code 8kB} → 8192 bytes; {@code ms} → 1000 microseconds). */
    private static double baseFactor(String unit) {
        Matcher base = BASE_UNIT.matcher(unit.trim());
        if (!base.matches()) {
            return Double.NaN;
        }
        double multiple = base.group(1).isEmpty() ? 1 : Double.parseDouble(base.group(1));
        return multiple * factor(base.group(2));
    }

    private static String baseUnitName(String unit) {
        Matcher base = BASE_UNIT.matcher(unit.trim());
        return base.matches() ? base.group(2) : unit;
    }

    private static boolean isMemory(String unit) {
        return unit.endsWith("B");
    }

    /** Bytes for memory units, microseconds for time units, as PostgreSQL spells them (case matters). */
    private static double factor(String unit) {
        return switch (unit) {
            case "B" -> 1;
            case "kB" -> 1024;
            case "MB" -> 1024.0 * 1024;
            case "GB" -> 1024.0 * 1024 * 1024;
            case "TB" -> 1024.0 * 1024 * 1024 * 1024;
            case "us" -> 1;
            case "ms" -> 1_000;
            case "s" -> 1_000_000;
            case "min" -> 60_000_000;
            case "h" -> 3_600_000_000.0;
            case "d" -> 86_400_000_000.0;
            default -> Double.NaN;
        };
    }
}
