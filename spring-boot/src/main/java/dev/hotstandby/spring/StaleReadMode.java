package dev.hotstandby.spring;

import dev.hotstandby.PostgresCluster;
import dev.hotstandby.PostgresNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/**
 * The stale-read mode of a context: {@code hotstandby.read-only-routing} (which standby read-only
 * transactions of Boot's DataSource run on, or none) and {@code hotstandby.replica-lag} (how far that
 * standby replays behind the primary). Checked against the cluster before the context starts.
 *
 * @param routing the property's value as given, for messages
 * @param standbyIndex the standby's index, or -1 for none
 * @param lagText the lag as given, for messages
 */
record StaleReadMode(String routing, int standbyIndex, String lagText, Duration lag) {
    static final String ROUTING = "hotstandby.read-only-routing";
    static final String LAG = "hotstandby.replica-lag";
    private static final Pattern STANDBY = Pattern.compile("standby(\\d{1,2})");

    static StaleReadMode of(Environment environment, String describedAs) {
        String routing = environment.getProperty(ROUTING, "none").trim();
        String lagText = environment.getProperty(LAG, "0").trim();
        Matcher standby = STANDBY.matcher(routing);
        int index = standby.matches() ? Integer.parseInt(standby.group(1)) : -1;
        if (index < 0 && !routing.equals("none")) {
            throw new IllegalStateException(describedAs + ": " + ROUTING + " must be none, standby0, standby1, ... but was '"
                    + routing + "'");
        }
        return new StaleReadMode(routing, index, lagText, lag(lagText, describedAs));
    }

    private static Duration lag(String text, String describedAs) {
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException notADuration) {
            throw new IllegalStateException(describedAs + ": " + LAG + " must be a duration such as 200ms or 1s but was '"
                    + text + "'", notADuration);
        }
    }

    boolean routes() {
        return standbyIndex >= 0;
    }

    /** Refuses what this cluster cannot do, before anything is changed on it. */
    void requireFits(PostgresCluster cluster, String describedAs) {
        if (lag.isNegative()) {
            throw new IllegalStateException(describedAs + ": " + LAG + " must not be negative but was '" + lagText + "'");
        }
        List<PostgresNode> standbys = cluster.standbys();
        if (routes() && standbyIndex >= standbys.size()) {
            throw new IllegalStateException(describedAs + ": " + ROUTING + "=" + routing + " names no standby of this cluster,"
                    + " which has " + present(standbys.size()) + "; set " + ROUTING + " to "
                    + (standbys.isEmpty() ? "none, or declare standbys = 1 or more" : "one of them or none"));
        }
        if (!routes() && !lag.isZero()) {
            throw new IllegalStateException(describedAs + ": " + LAG + "=" + lagText + " delays the standby that " + ROUTING
                    + " names, but that is none; set " + ROUTING + " to a standby (this cluster has "
                    + present(standbys.size()) + ") or " + LAG + "=0");
        }
        if (!lag.isZero() && cluster.spec().synchronous()) {
            throw new IllegalStateException(describedAs + ": " + settings() + " needs an asynchronous cluster, but this one is"
                    + " synchronous (synchronous = true): its commits would wait for the delayed replay instead of reading"
                    + " stale. Run this class with " + LAG + "=0 or declare synchronous = false");
        }
        if (!lag.isZero() && cluster.spec().major() < 12) {
            throw new IllegalStateException(describedAs + ": " + LAG + "=" + lagText + " needs PostgreSQL 12 or newer"
                    + " (recovery_min_apply_delay as a reloadable setting); this cluster runs " + cluster.spec().major());
        }
    }

    private static String present(int standbys) {
        return standbys == 0 ? "no standbys" : standbys + " standby(s): "
                + String.join(", ", IntStream.range(0, standbys).mapToObj(index -> "standby" + index).toList());
    }

    /** The standby read-only transactions run on; only when {@link #routes()}. */
    PostgresNode standby(PostgresCluster cluster) {
        return cluster.standby(standbyIndex);
    }

    /** Delays the routed standby's replay by the lag (again after a refresh, which resets it). */
    void applyLag(PostgresCluster cluster) {
        if (routes() && !lag.isZero()) {
            cluster.applyDelay(standby(cluster), lag);
        }
    }

    /** As the properties were given: {@code hotstandby.read-only-routing=standby0, hotstandby.replica-lag=200ms}. */
    String settings() {
        return ROUTING + "=" + routing + ", " + LAG + "=" + lagText;
    }
}
