/**
 * Internal, not API: the PostgreSQL logic every backend shares, written once: topology
 * ({@link dev.hotstandby.engine.Topology}), the start contract, promotion, rejoin, links, node files,
 * slots and waits, over the node primitives a backend implements ({@link dev.hotstandby.engine.BackendNode},
 * {@link dev.hotstandby.engine.BackendCluster}). May change in any release; use {@code dev.hotstandby}.
 */
package dev.hotstandby.engine;
