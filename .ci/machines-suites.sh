#!/usr/bin/env bash
# The machines backend's suites: its own tests (Vagrant machines, existing hosts over SSH), the
# conformance suite and the samples on Vagrant machines of Debian 12 and 13, then a check that nothing is left.
# Run by .ci/run, after its set-up started in the background.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
. .ci/suites.sh

step "the machines backend: Vagrant from Debian's packages, its docker provider, an sshd image built here (made in the background)" \
    await_background machines-setup
on_machines=(-Dhotstandby.require=vagrant,ssh -Dhotstandby.version=15 -Dhotstandby.vagrant.provider=docker)
on_machines17=(-Dhotstandby.require=vagrant,ssh -Dhotstandby.version=17 -Dhotstandby.vagrant.provider=docker)
# For the samples and the conformance suite: a closed cluster's Vagrant machines serve the JVM's next
# cluster, which makes its servers afresh on them instead of waiting for a `vagrant up`. Not for the
# backend's own tests, which check what a closed cluster leaves.
pooled=-Dhotstandby.vagrant.keepMachines=true

step "the machines backend's own tests (Vagrant machines, and existing hosts over SSH); the sample tests on Vagrant" \
    side_by_side "$(extension_test "${on_machines[*]}" "-Dtest='dev.hotstandby.backend.machines.*Test'")" \
                 "$(samples_verify "${on_machines[*]}" -Dhotstandby.backend=vagrant $pooled)"
# Debian 13's machines have PostgreSQL 17, for logical replication and failover slots. The conformance
# suite in two forks: a Vagrant class mostly waits for machines (each fork keeps one idle cluster, so
# the eight private networks suffice; a start waits for one to be free).
step "the backend conformance suite on Vagrant, in two forks; logical replication samples on Vagrant machines of Debian 13 (PostgreSQL 17)" \
    side_by_side "$(extension_test "${on_machines[*]}" -Dhotstandby.backend=vagrant $pooled -DforkCount=2 "-Dtest='$conformance'")" \
                 "HOTSTANDBY_VAGRANT_IMAGE=hotstandby-test/vagrant-sshd:trixie $(samples_verify "${on_machines17[*]}" \
                        -Dhotstandby.backend=vagrant $pooled "-Dtest='$logical_samples'")"
step "logical replication and failover slots on Vagrant machines of Debian 13 (PostgreSQL 17)" \
    env HOTSTANDBY_VAGRANT_IMAGE=hotstandby-test/vagrant-sshd:trixie bash -c "$(extension_test "${on_machines17[*]}" \
        -Dhotstandby.backend=vagrant $pooled "-Dtest='dev.hotstandby.conformance.LogicalReplicationTest,dev.hotstandby.conformance.FailoverSlotPromotionTest'")"

machines_left() {
  local left
  left=$( { docker ps -aq --filter label=dev.hotstandby.vagrant
            docker ps -aq --filter label=dev.hotstandby.test=ssh-hosts
            docker network ls -q --filter name=vagrant_network_; } )
  if [ -n "$left" ]; then
    echo "left behind:" >&2
    docker ps -a --filter label=dev.hotstandby.vagrant >&2
    docker ps -a --filter label=dev.hotstandby.test=ssh-hosts >&2
    docker network ls --filter name=vagrant_network_ >&2
    return 1
  fi
  if ls -d /tmp/hotstandby-vagrant-[0-9]* 2>/dev/null; then
    echo "Vagrant state directories left behind" >&2
    return 1
  fi
  echo "none"
}
step "nothing of the machines backend is left" machines_left
