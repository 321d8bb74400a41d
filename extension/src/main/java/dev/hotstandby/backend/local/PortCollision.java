package dev.hotstandby.backend.local;

import dev.hotstandby.engine.RetryableStartException;

/** A server could not bind its reserved port because a process outside hotstandby took it. */
final class PortCollision extends RetryableStartException {
    PortCollision(String message) {
        super(message);
    }
}
