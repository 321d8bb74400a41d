package dev.hotstandby.backend.local;

/** A server could not bind its reserved port because a process outside hotstandby took it. */
final class PortCollision extends RuntimeException {
    PortCollision(String message) {
        super(message);
    }
}
