package dev.hotstandby;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * One option of a cluster, described once in {@link ClusterOptions#ALL}: its name is the {@link
 * PostgresCluster.Builder} method's, the {@code @PostgresStandbyCluster} attribute's and, in kebab
 * case, the command line's flag ({@code --synchronous-commit}); how a command-line value and an
 * attribute's value become the builder's call is here too, so the annotation mapping, the CLI's
 * parser and its help are made from the description, never written again.
 */
public final class ClusterOption {
    /** Turns the command line's values of the option (one, or each of a repeatable one) into the builder's call. */
    @FunctionalInterface
    interface FromText {
        void apply(PostgresCluster.Builder builder, List<String> values, String flag);
    }

    /** Turns the attribute's value into the builder's call; {@code source} names the attribute in messages. */
    @FunctionalInterface
    interface FromAttribute {
        void apply(PostgresCluster.Builder builder, Object value, String source);
    }

    private final String name;
    private final String flag;
    private final String valueName;
    private final String help;
    private final boolean repeatable;
    private final FromText fromText;
    private final FromAttribute fromAttribute;

    private ClusterOption(String name, String valueName, String help, boolean repeatable, FromText fromText,
                          FromAttribute fromAttribute) {
        this(name, "--" + name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT), valueName, help, repeatable,
                fromText, fromAttribute);
    }

    private ClusterOption(String name, String flag, String valueName, String help, boolean repeatable, FromText fromText,
                          FromAttribute fromAttribute) {
        this.name = name;
        this.flag = flag;
        this.valueName = valueName;
        this.help = help;
        this.repeatable = repeatable;
        this.fromText = fromText;
        this.fromAttribute = fromAttribute;
    }

    /** An option whose command-line value is one text, and whose attribute is given to the builder as it is. */
    static <T> ClusterOption single(String name, String valueName, String help, TextValue<T> parse,
                                    BiConsumer<PostgresCluster.Builder, T> set) {
        return new ClusterOption(name, valueName, help, false, lastValue(parse, set),
                (builder, value, source) -> set.accept(builder, cast(value)));
    }

    /** As {@link #single}, but the attribute is a text too, parsed as the command line's value is. */
    static <T> ClusterOption parsed(String name, String valueName, String help, TextValue<T> parse,
                                    BiConsumer<PostgresCluster.Builder, T> set) {
        return new ClusterOption(name, valueName, help, false, lastValue(parse, set),
                (builder, value, source) -> set.accept(builder, parse.of((String) value, source)));
    }

    /** The last of the command line's values, parsed: a single option given twice takes the later one. */
    private static <T> FromText lastValue(TextValue<T> parse, BiConsumer<PostgresCluster.Builder, T> set) {
        return (builder, values, flag) -> set.accept(builder, parse.of(values.get(values.size() - 1), flag));
    }

    /** A yes/no option: on the command line a flag without value. */
    static ClusterOption flag(String name, String help, BiConsumer<PostgresCluster.Builder, Boolean> set) {
        return new ClusterOption(name, null, help, false, (builder, values, flag) -> set.accept(builder, true),
                (builder, value, source) -> set.accept(builder, (Boolean) value));
    }

    /** Given any number of times on the command line, as an array attribute. */
    static ClusterOption repeatable(String name, String valueName, String help, FromText fromText, FromAttribute fromAttribute) {
        return new ClusterOption(name, valueName, help, true, fromText, fromAttribute);
    }

    /** The builder's and the annotation's, not the command line's. */
    static ClusterOption notOnTheCommandLine(String name, FromAttribute fromAttribute) {
        return new ClusterOption(name, null, null, false, null, fromAttribute);
    }

    /** The builder's and the command line's: no attribute of the annotation has it. */
    ClusterOption withoutAttribute() {
        return new ClusterOption(name, flag, valueName, help, repeatable, fromText, null);
    }

    /** A flag other than the name in kebab case: the command line's verb where it reads better ({@code --set}). */
    ClusterOption withFlag(String flag) {
        return new ClusterOption(name, flag, valueName, help, repeatable, fromText, fromAttribute);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    /** A command-line value, checked; the message names the flag. */
    @FunctionalInterface
    interface TextValue<T> {
        T of(String text, String flag);
    }

    /** The builder's method and the annotation's attribute. */
    public String name() {
        return name;
    }

    /** {@code --} and, unless it reads better otherwise, the name in kebab case: {@code --replication-slots}. */
    public String flag() {
        return flag;
    }

    /** What follows the flag in the usage ({@code N}, {@code NAME=VALUE}); null for a flag without value. */
    public String valueName() {
        return valueName;
    }

    /** One line for the usage. */
    public String help() {
        return help;
    }

    public boolean repeatable() {
        return repeatable;
    }

    public boolean onCommandLine() {
        return fromText != null;
    }

    /** Whether {@code @PostgresStandbyCluster} has an attribute of this name. */
    public boolean annotated() {
        return fromAttribute != null;
    }

    /** The command line's values of this option (in order; one unless {@link #repeatable()}) into {@code builder}. */
    public void applyText(PostgresCluster.Builder builder, List<String> values) {
        fromText.apply(builder, values, flag());
    }

    /** The annotation's attribute value into {@code builder}; {@code owner} as messages name the annotation. */
    public void applyAttribute(PostgresCluster.Builder builder, Object value, String owner) {
        fromAttribute.apply(builder, value, owner + ": " + name);
    }

    @Override
    public String toString() {
        return name;
    }
}
