/**
 * Internal, not API: the local backend (the embedded default): binaries, the cached template, server
 * processes, the watchdog and reaper. Node primitives only; the engine does the rest.
 */
package dev.hotstandby.backend.local;
