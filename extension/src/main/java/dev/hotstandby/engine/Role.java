package dev.hotstandby.engine;

/** What a node is now; a former primary is neither primary nor standby until it rejoins. */
public enum Role {
    PRIMARY, STANDBY, FORMER_PRIMARY
}
