#!/usr/bin/env bash
# The Spring Boot module's samples once more in the stale-read mode (docs/spring-boot.md): read-only
# transactions of Boot's DataSource on standby0, which replays 200 ms behind. Passes when exactly the
# tests in spring-boot/src/test/java/dev/hotstandby/spring/sample/expected-stale-read-failures.txt
# fail, each for the reason given there (the stale-read hint, or a synchronous cluster refusing the lag).
# Arguments go to Maven: `.ci/stale-reads.sh -Dspring-boot=4` runs them on Boot 4.0.
set -euo pipefail
cd "$(dirname "$0")/.."

expected=spring-boot/src/test/java/dev/hotstandby/spring/sample/expected-stale-read-failures.txt
reports=spring-boot/target/surefire-reports
hint="read-only transaction(s) of this test ran on standby-0, which replays 200 ms behind the primary (hotstandby.read-only-routing=standby0, hotstandby.replica-lag=200ms): a read of this test's own writes may have missed them"
refusal="hotstandby.read-only-routing=standby0, hotstandby.replica-lag=200ms needs an asynchronous cluster"

rm -rf "$reports"
# the failures are the point: the reports decide, not Maven's status; the expected ones keep no evidence
mvn -B -ntp -pl spring-boot -am test -Dtest='dev.hotstandby.spring.sample.*Test' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dmaven.test.failure.ignore=true -Dhotstandby.cleanup=always \
    -Dhotstandby.read-only-routing=standby0 -Dhotstandby.replica-lag=200ms "$@"

# each test case of the reports as "Class#method<TAB>passed|failed<TAB>its failure text on one line"
outcomes() {
  awk '
    function flush() { if (name != "") { gsub(/\t|\r|\n/, " ", text); print name "\t" (failed ? "failed" : "passed") "\t" text } }
    /<testcase / {
      flush(); failed = 0; text = ""
      match($0, /name="[^"]*"/); method = substr($0, RSTART + 6, RLENGTH - 7)
      match($0, /classname="[^"]*"/); class = substr($0, RSTART + 11, RLENGTH - 12); sub(/.*\./, "", class)
      name = class "#" method
    }
    /<failure|<error/ { failed = 1 }
    name != "" { text = text " " $0 }
    END { flush() }
  ' "$reports"/TEST-*.xml | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
}

all=$(outcomes)
[ -n "$all" ] || { echo "stale-read mode: no test reports in $reports"; exit 1; }
problems=0
while IFS=$'\t' read -r test outcome text; do
  reason=$(grep -v '^#' "$expected" | awk -v test="$test" '$1 == test { print $2 }')
  if [ -z "$reason" ] && [ "$outcome" = failed ]; then
    echo "stale-read mode: $test failed but is not an expected failure"; problems=1
  elif [ -n "$reason" ] && [ "$outcome" = passed ]; then
    echo "stale-read mode: $test passed but is expected to fail ($reason)"; problems=1
  elif [ "$reason" = hint ] && [[ "$text" != *"$hint"* ]]; then
    echo "stale-read mode: $test failed without the stale-read hint"; problems=1
  elif [ "$reason" = refused ] && [[ "$text" != *"$refusal"* ]]; then
    echo "stale-read mode: $test failed, but not because its synchronous cluster refused the lag"; problems=1
  elif [ -n "$reason" ]; then
    echo "stale-read mode: $test failed as expected ($reason)"
  fi
done <<< "$all"
while read -r test reason; do
  grep -q "^$test	" <<< "$all" || { echo "stale-read mode: $test ($reason) did not run"; problems=1; }
done < <(grep -v '^#' "$expected" | grep .)
echo "stale-read mode: $(wc -l <<< "$all") sample tests, $(grep -c '	failed	' <<< "$all" || true) failed"
exit "$problems"
