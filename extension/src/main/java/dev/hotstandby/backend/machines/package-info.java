/**
 * Internal, not API: the machines backend: Vagrant machines and existing hosts over SSH (sshj),
 * provisioning, WAL shipping, iptables partitions, reapers. Node primitives only.
 */
package dev.hotstandby.backend.machines;
