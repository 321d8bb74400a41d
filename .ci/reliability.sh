#!/usr/bin/env bash
# Every reliability program (extension/src/test/java/dev/hotstandby/reliability/, docs/reliability.md)
# for 2 rounds, each against its own check, so that a figure the code no longer gives fails a run
# instead of staying in the docs. `.ci/reliability.sh` runs them on the local backend;
# `.ci/reliability.sh containers` on the containers backend's PostgreSQL 15 image, made by .ci/containers.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

# each exits 1 when its own check fails; exec:java runs it in Maven's JVM, so that is Maven's status
program() {
  local name=$1
  shift
  mvn -B -q -ntp -pl extension exec:java -Dexec.classpathScope=test \
      -Dexec.mainClass="dev.hotstandby.reliability.$name" -Dexec.args=2 "$@"
}

# every program runs, a failed one or not: one run names all that fail
failed=()

local_backend() {
  local name
  # ConcurrentForks: 2 clusters per fork, one per thread
  for name in LostWrites KilledJvmLeftovers ConcurrentForks KilledSharedLeftovers ConcurrentSharedRuns; do
    step "$name, 2 rounds, local backend" program "$name" || failed+=("$name")
  done
}

# Not ConcurrentForks: its forks are started without the hotstandby.* options, so they run locally anyway.
containers_backend() {
  local name
  . .ci/suites.sh   # the Testcontainers environment of this host
  for name in LostWrites KilledJvmLeftovers KilledSharedLeftovers ConcurrentSharedRuns; do
    step "$name, 2 rounds, containers backend (PostgreSQL 15 image)" program "$name" \
        -Dhotstandby.backend=containers -Dhotstandby.require=containers \
        -Dhotstandby.version=15 -Dhotstandby.image=hotstandby-test/postgres:15 || failed+=("$name")
  done
}

step "the extension and its test programs compiled" mvn -B -q -ntp -pl extension -am test-compile
case "${1:-local}" in
  local) local_backend ;;
  containers) containers_backend ;;
  *) echo "usage: $0 [local|containers]" >&2; exit 2 ;;
esac
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed their own check: ${failed[*]}" >&2
  exit 1
fi
