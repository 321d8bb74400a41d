package dev.hotstandby;

/**
 * A cluster was asked for with settings that cannot work. Thrown before anything is started, so
 * nothing is left behind; the message names the setting and how to fix it.
 */
public class ClusterConfigurationException extends IllegalArgumentException {
    public ClusterConfigurationException(String message) {
        super(message);
    }
}
