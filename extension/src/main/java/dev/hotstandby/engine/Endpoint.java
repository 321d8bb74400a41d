package dev.hotstandby.engine;

/** Where a server connects to another server over TCP: the host and port of a connection string. */
public record Endpoint(String host, int port) {
}
