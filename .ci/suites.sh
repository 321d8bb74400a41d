# Shared by .ci/containers-suites.sh and .ci/machines-suites.sh (sourced, not run).

# The backend conformance suite: the same behavioural tests local processes pass in "mvn verify".
conformance='dev.hotstandby.conformance.*Test,PostgresClusterTest'
# The sample tests of logical replication, which need PostgreSQL 17+ (both backends' 17 runs).
logical_samples='dev.hotstandby.samples.*Cdc*Test,dev.hotstandby.samples.DecodingOnAStandbyTest'

# Testcontainers on hosts like this one: no registry is reachable, so its Ryuk reaper image cannot
# be pulled (hotstandby reaps what dead JVMs left instead), and the machine has a /.dockerenv file,
# so Testcontainers believes it runs inside a container and looks for Docker's gateway instead of
# localhost, where the mapped ports are. See docs/backends.md "Containers backend".
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost

# Two modules at once where a step allows it (each Maven run in its own module's target directory;
# the sample tests take the hotstandby-junit installed above): most of a run waits for servers.
extension_test() { echo "mvn -B -ntp -pl extension test -Dsurefire.failIfNoSpecifiedTests=false $*"; }
samples_verify() { echo "mvn -B -ntp -pl sample-tests verify -Dsurefire.failIfNoSpecifiedTests=false $*"; }
