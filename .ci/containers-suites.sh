#!/usr/bin/env bash
# The containers backend's suites: its own tests, the conformance suite, the samples and the Spring Boot
# module on the PostgreSQL 15 and 17 images, then a check that nothing of it is left.
# Run by .ci/run, after its set-up started in the background.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
. .ci/suites.sh

step "the containers backend: Docker from Debian's packages, PostgreSQL 15 and 17 images built from them (made in the background)" \
    await_background containers-setup
on_containers=(-Dhotstandby.require=containers -Dhotstandby.version=15 -Dhotstandby.image=hotstandby-test/postgres:15)

step "the containers backend's own tests; the Spring Boot module and its samples on containers, Boot 3.5 (Testcontainers 1.21)" \
    side_by_side "$(extension_test "${on_containers[*]}" "-Dtest='dev.hotstandby.backend.containers.*Test'")" \
                 "mvn -B -ntp -pl spring-boot verify ${on_containers[*]} -Dhotstandby.backend=containers"
step "the backend conformance suite on containers; the sample tests on containers" \
    side_by_side "$(extension_test "${on_containers[*]}" -Dhotstandby.backend=containers "-Dtest='$conformance'")" \
                 "$(samples_verify "${on_containers[*]}" -Dhotstandby.backend=containers)"
# logical replication and failover slots need PostgreSQL 17+: the 17 image for the classes that use them
on_containers17=(-Dhotstandby.require=containers -Dhotstandby.version=17 -Dhotstandby.image=hotstandby-test/postgres:17)
logical_conformance='dev.hotstandby.conformance.Logical*Test,dev.hotstandby.conformance.FailoverSlotPromotionTest,dev.hotstandby.conformance.FailoverMatrixTest'
step "logical replication and failover slots on the containers backend's 17 image; the Spring Boot module on containers, Boot 4.0" \
    side_by_side "$(extension_test "${on_containers17[*]}" -Dhotstandby.backend=containers "-Dtest='$logical_conformance'")" \
                 "$(samples_verify "${on_containers17[*]}" -Dhotstandby.backend=containers \
                        "-Dtest='$logical_samples,dev.hotstandby.samples.MajorUpgradeRehearsalTest'")" \
                 "mvn -B -ntp -pl spring-boot verify ${on_containers[*]} -Dhotstandby.backend=containers -Dspring-boot=4"

step "the reliability programs, 2 rounds, against their own checks (containers backend)" .ci/reliability.sh containers

containers_left() {
  local left
  left=$( { docker ps -aq --filter label=dev.hotstandby.owner
            docker network ls -q --filter label=dev.hotstandby.owner
            docker volume ls -q --filter label=dev.hotstandby.owner; } )
  if [ -n "$left" ]; then
    echo "left behind:" >&2
    docker ps -a --filter label=dev.hotstandby.owner >&2
    docker network ls --filter label=dev.hotstandby.owner >&2
    docker volume ls --filter label=dev.hotstandby.owner >&2
    return 1
  fi
  echo "none"
}
step "nothing of the containers backend is left" containers_left
