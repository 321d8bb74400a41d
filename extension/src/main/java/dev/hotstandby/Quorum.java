package dev.hotstandby;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How many synchronous standbys must confirm each commit: {@code FIRST n} (the first n listed, in
 * priority order) or {@code ANY n} (any n of them). {@link #ALL} means every standby.
 */
public record Quorum(Method method, int count) {
    /** Every standby that streams directly from the primary: the default. */
    public static final Quorum ALL = new Quorum(Method.FIRST, 0);
    private static final Pattern TEXT = Pattern.compile("(?i)\\s*(FIRST|ANY)\\s+(\\d+)\\s*");

    public enum Method { FIRST, ANY }

    public static Quorum first(int count) {
        return new Quorum(Method.FIRST, count);
    }

    public static Quorum any(int count) {
        return new Quorum(Method.ANY, count);
    }

    /** Parses {@code "FIRST 1"} or {@code "ANY 2"}; {@code ""} is {@link #ALL}. */
    public static Quorum parse(String text, String source) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        Matcher matcher = TEXT.matcher(text);
        if (!matcher.matches()) {
            throw new ClusterConfigurationException(source + " must look like \"FIRST 1\" or \"ANY 2\" (or \"\" for all"
                    + " standbys) but was \"" + text + "\"");
        }
        return new Quorum(Method.valueOf(matcher.group(1).toUpperCase(java.util.Locale.ROOT)),
                Integer.parseInt(matcher.group(2)));
    }

    /** The value of {@code synchronous_standby_names} for these standbys. */
    public String synchronousStandbyNames(List<String> standbyNames) {
        int required = this == ALL || count == 0 ? standbyNames.size() : count;
        return method + " " + required + " (" + standbyNames.stream().map(name -> "\"" + name + "\"")
                .collect(Collectors.joining(", ")) + ")";
    }

    /*
     * Written out, as in a class: a record's generated equals and hashCode are bootstrapped through
     * method handles on their first call in a JVM, which costs a fresh JVM tens of milliseconds,
     * and every cluster start validates its quorum.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Quorum quorum && quorum.method == method && quorum.count == count;
    }

    @Override
    public int hashCode() {
        return 31 * method.hashCode() + count;
    }

    @Override
    public String toString() {
        return this.equals(ALL) ? "all standbys" : method + " " + count;
    }
}
