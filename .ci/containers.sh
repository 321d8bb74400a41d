#!/usr/bin/env bash
# What the containers backend needs on a CI machine without a container registry (see
# ../shared/ENVIRONMENT.md): Docker from Debian's packages, a running dockerd, and PostgreSQL test
# images built from Debian's packages that follow the official postgres image's contract: one per
# major in IMAGES, each from the Debian release that ships that major, all from one recipe.
# Idempotent: what is already there is kept. .ci/run calls it; it also runs on its own, as root.
# Prints the images' tags last, one a line.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

# <major>:<Debian suite whose main archive ships postgresql-<major>>. The tests pick one with
# -Dhotstandby.image=hotstandby-test/postgres:<major> -Dhotstandby.version=<major>.
IMAGES=(15:bookworm 17:trixie)                   # Debian 12 has 15; Debian 13 has 17 (failover slots)
RECIPE=extension/src/test/docker/postgres-debian # Dockerfile + docker-entrypoint.sh, for every major
DOCKERD_LOG=/var/log/hotstandby-dockerd.log
DOCKERD_DEADLINE=90

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

echo "== docker and debootstrap"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

echo "== dockerd"
start_dockerd
docker version --format 'client {{.Client.Version}}, server {{.Server.Version}} (API {{.Server.APIVersion}})'

# Builds hotstandby-test/postgres:$1 from Debian $2 unless an image of the same recipe is there.
# Debian $2 is debootstrapped once into a base image (minbase + postgresql-$1 and what it depends
# on, nothing else); the recipe's Dockerfile then only adds the entrypoint and moves files, so
# editing the recipe rebuilds in seconds. A suite newer than the host's needs the host's debootstrap
# to know it and its debian-archive-keyring to hold that release's keys (bookworm's do for trixie).
build_image() {
  local PG_MAJOR="$1" SUITE="$2" image base recipe_hash built_hash t
  image="hotstandby-test/postgres:${PG_MAJOR}"
  base="hotstandby-test/debian-postgres-base:${PG_MAJOR}"   # .ci/vagrant.sh reuses the 15 one
  echo "== test image $image (Debian $SUITE, postgresql-$PG_MAJOR)"
  # The image records a hash of its recipe, so an edited Dockerfile or entrypoint is rebuilt (the
  # base is kept: each major comes from one Debian release only).
  recipe_hash=$(cat "$RECIPE/Dockerfile" "$RECIPE/docker-entrypoint.sh" | sha256sum | cut -c1-16)
  built_hash=$(docker image inspect --format '{{index .Config.Labels "dev.hotstandby.recipe"}}' "$image" 2>/dev/null || true)
  if [ "$built_hash" = "$recipe_hash" ]; then
    echo "present (recipe $recipe_hash)"
    return
  fi
  t=$(now)
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    import_debian_base "$base" "postgresql-$PG_MAJOR"
    echo "built $base in $(since "$t")"
  fi
  docker build --quiet --tag "$image" --label "dev.hotstandby.recipe=$recipe_hash" \
    --build-arg "BASE=$base" --build-arg "PG_MAJOR=$PG_MAJOR" "$RECIPE"
  echo "built $image in $(since "$t")"
}

for spec in "${IMAGES[@]}"; do
  build_image "${spec%%:*}" "${spec#*:}"
done
for spec in "${IMAGES[@]}"; do
  echo "hotstandby-test/postgres:${spec%%:*}"
done
