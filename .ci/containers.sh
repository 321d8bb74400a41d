#!/usr/bin/env bash
# What the containers backend needs on a CI machine without a container registry (see
# ../shared/ENVIRONMENT.md): Docker from Debian's packages, a running dockerd, and a PostgreSQL
# test image built from Debian's packages that follows the official postgres image's contract.
# Idempotent: what is already there is kept. .ci/run calls it; it also runs on its own, as root.
# Prints the image's tag last.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh

PG_MAJOR=15
SUITE=bookworm                                   # Debian 12, whose PostgreSQL is 15
IMAGE="hotstandby-test/postgres:${PG_MAJOR}"     # what the tests run: -Dhotstandby.image=$IMAGE
BASE_IMAGE="hotstandby-test/debian-postgres-base:${PG_MAJOR}"
RECIPE=extension/src/test/docker/postgres-debian # Dockerfile + docker-entrypoint.sh
DOCKERD_LOG=/var/log/hotstandby-dockerd.log
DOCKERD_DEADLINE=90

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

echo "== test image $IMAGE"
# The image records a hash of its recipe, so an edited Dockerfile or entrypoint is rebuilt.
recipe_hash=$(cat "$RECIPE/Dockerfile" "$RECIPE/docker-entrypoint.sh" | sha256sum | cut -c1-16)
built_hash=$(docker image inspect --format '{{index .Config.Labels "dev.hotstandby.recipe"}}' "$IMAGE" 2>/dev/null || true)
if [ "$built_hash" = "$recipe_hash" ]; then
  echo "present (recipe $recipe_hash)"
else
  if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    import_debian_base "$BASE_IMAGE" "postgresql-$PG_MAJOR"
  fi
  docker build --quiet --tag "$IMAGE" --label "dev.hotstandby.recipe=$recipe_hash" \
    --build-arg "BASE=$BASE_IMAGE" --build-arg "PG_MAJOR=$PG_MAJOR" "$RECIPE"
fi
echo "$IMAGE"
