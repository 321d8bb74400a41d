/**
 * Internal, not API: the containers backend: one Testcontainers container per node on networks of
 * the cluster's own, partitions through Docker, the reaper of dead JVMs' containers. Node primitives only.
 */
package dev.hotstandby.backend.containers;
