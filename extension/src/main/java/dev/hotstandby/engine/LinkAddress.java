package dev.hotstandby.engine;

/** Where a standby's primary_conninfo points: a host, an address or a socket directory, and a port. */
public record LinkAddress(String host, int port) {
}
