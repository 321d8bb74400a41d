#!/usr/bin/env bash
# What the machines backend's Vagrant path needs on a CI machine without VirtualBox or a container
# registry (see ../shared/ENVIRONMENT.md): Vagrant from Debian's packages, Docker, a locally built
# sshd image for Vagrant's docker provider, then a smoke test of vagrant/Vagrantfile on it: up,
# ssh-config, ssh + sudo, the private network (and cutting it), destroy, nothing left behind.
# Idempotent: what is already there is kept. Runs on its own, as root.
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/lib.sh
REPO=$PWD

SUITE=bookworm
IMAGE="hotstandby-test/vagrant-sshd:${SUITE}"          # vagrant/Vagrantfile's default image
MINIMAL_BASE="hotstandby-test/debian-base:${SUITE}"
# .ci/containers.sh's base (Debian + PostgreSQL 15): reused when present, saving a debootstrap;
# the machines then have PostgreSQL's binaries but no cluster. HOTSTANDBY_VAGRANT_BASE overrides.
POSTGRES_BASE="hotstandby-test/debian-postgres-base:15"
IMAGE17="hotstandby-test/vagrant-sshd:trixie"            # PostgreSQL 17 installed, for failover slots
POSTGRES17_BASE="hotstandby-test/debian-postgres-base:17"
MINIMAL_PACKAGES=openssh-server,sudo,python3,rsync,iproute2,iptables,iputils-ping,ca-certificates,procps
RECIPE=vagrant/docker
DOCKERD_LOG=/var/log/hotstandby-dockerd.log
DOCKERD_DEADLINE=90
STANDBYS="${HOTSTANDBY_STANDBYS:-1}"
NETWORK="${HOTSTANDBY_NETWORK:-192.168.56}"            # as in the Vagrantfile

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
script_start=$(now)

echo "== vagrant, docker and debootstrap"
missing=()
command -v vagrant >/dev/null 2>&1 || missing+=(vagrant)
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  t=$(now)
  apt-get update
  # Without recommends: vagrant recommends vagrant-libvirt, i.e. ~370 more packages (libvirt,
  # QEMU) that the docker provider does not use.
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  echo "installed ${missing[*]} in $(since "$t")"
else
  echo "present"
fi
vagrant --version

echo "== dockerd"
start_dockerd
docker version --format 'client {{.Client.Version}}, server {{.Server.Version}} (API {{.Server.APIVersion}})'

# A minimal Debian with everything the Dockerfile wants, so building FROM it needs no network.
build_minimal_base() {
  local t
  t=$(now)
  import_debian_base "$MINIMAL_BASE" "$MINIMAL_PACKAGES"
  echo "built $MINIMAL_BASE in $(since "$t")"
}

echo "== sshd image $IMAGE"
if [ -n "${HOTSTANDBY_VAGRANT_BASE:-}" ]; then
  base=$HOTSTANDBY_VAGRANT_BASE
elif docker image inspect "$POSTGRES_BASE" >/dev/null 2>&1; then
  base=$POSTGRES_BASE
else
  base=$MINIMAL_BASE
fi
if ! docker image inspect "$base" >/dev/null 2>&1; then
  [ "$base" = "$MINIMAL_BASE" ] || { echo "base image $base not found" >&2; exit 1; }
  build_minimal_base
fi
# Vagrant's insecure public key, from the Vagrant that will log in with it (never a private key).
pubkey=$(dpkg -L vagrant 2>/dev/null | grep -m1 '/keys/vagrant\.pub$' || true)
if [ -z "$pubkey" ] || [ ! -s "$pubkey" ]; then
  pubkey=$(find / -xdev -path '*/keys/vagrant.pub' -print -quit 2>/dev/null || true)
fi
[ -n "$pubkey" ] && [ -s "$pubkey" ] || { echo "Vagrant's keys/vagrant.pub not found" >&2; exit 1; }

# build_sshd_image IMAGE BASE: the recipe's image FROM BASE. The image records a hash of its recipe,
# key and base, so a change to any of them rebuilds it.
build_sshd_image() {
  local image=$1 base=$2 base_id recipe_hash built_hash t context
  base_id=$(docker image inspect --format '{{.Id}}' "$base")
  recipe_hash=$( { cat "$RECIPE/Dockerfile" "$RECIPE/entrypoint.sh" "$RECIPE/sshd_config" "$pubkey"
                   echo "$base_id"; } | sha256sum | cut -c1-16)
  built_hash=$(docker image inspect --format '{{index .Config.Labels "dev.hotstandby.recipe"}}' "$image" 2>/dev/null || true)
  if [ "$built_hash" = "$recipe_hash" ]; then
    echo "present (recipe $recipe_hash, FROM $base)"
    return
  fi
  t=$(now)
  context=$(mktemp -d /var/tmp/hotstandby-vagrant-image.XXXXXX)
  cp "$RECIPE/Dockerfile" "$RECIPE/entrypoint.sh" "$RECIPE/sshd_config" "$context/"
  cp "$pubkey" "$context/vagrant.pub"
  docker build --quiet --tag "$image" --label "dev.hotstandby.recipe=$recipe_hash" \
    --build-arg "BASE=$base" "$context"
  rm -rf "$context"
  echo "built $image FROM $base in $(since "$t")"
}
build_sshd_image "$IMAGE" "$base"

# Machines with PostgreSQL 17 (failover slots), FROM .ci/containers.sh's Debian 13 base where it is there.
if docker image inspect "$POSTGRES17_BASE" >/dev/null 2>&1; then
  echo "== sshd image $IMAGE17"
  build_sshd_image "$IMAGE17" "$POSTGRES17_BASE"
fi

echo "== smoke test: vagrant/Vagrantfile on the docker provider (primary + $STANDBYS standbys)"
export VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_BOX_UPDATE_CHECK_DISABLE=1
export VAGRANT_CWD="$REPO/vagrant" HOTSTANDBY_VAGRANT_IMAGE="$IMAGE" HOTSTANDBY_STANDBYS="$STANDBYS"
# Vagrant's state (machine ids, generated private keys) in a throwaway place, not vagrant/.vagrant.
VAGRANT_DOTFILE_PATH=$(mktemp -d /tmp/hotstandby-vagrant.XXXXXX)
export VAGRANT_DOTFILE_PATH
machines=(primary)
for ((i = 0; i < STANDBYS; i++)); do machines+=("standby-$i"); done

# Vagrant writes each container's id without a trailing newline.
container_ids() {
  local f
  for f in "$VAGRANT_DOTFILE_PATH"/machines/*/docker/id; do [ -s "$f" ] && echo "$(cat "$f")"; done
  return 0
}
destroyed=no
finish() {
  local rc=$?
  if [ "$destroyed" = no ]; then
    echo "(cleaning up after a failure: vagrant destroy -f)" >&2
    vagrant destroy -f >&2 || true
    # whatever Vagrant could not remove
    container_ids | xargs -r docker rm -f >/dev/null 2>&1 || true
  fi
  rm -rf "$VAGRANT_DOTFILE_PATH"
  exit "$rc"
}
trap finish EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }
on() { local m=$1; shift; vagrant ssh "$m" -c "$*" -- -q; }   # a command on a machine, via Vagrant
# The same through plain ssh with Vagrant's ssh-config and the host keys pinned below: what the
# library does (with sshj), and ~10x faster than a `vagrant ssh` round trip (which starts Ruby).
sshconfig="$VAGRANT_DOTFILE_PATH/ssh-config"
known_hosts="$VAGRANT_DOTFILE_PATH/known_hosts"
run() {
  local m=$1; shift
  ssh -F "$sshconfig" -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$known_hosts" \
      -o HostKeyAlgorithms=ssh-ed25519 -o LogLevel=ERROR "$m" "$*"
}

t=$(now)
vagrant up --provider=docker
echo "vagrant up: $(since "$t")"

echo "-- every machine runs"
vagrant status --machine-readable | awk -F, '$3 == "state" { print $2 ": " $4 }'
for m in "${machines[@]}"; do
  vagrant status "$m" --machine-readable | grep -q ",state,running$" || fail "$m is not running"
done

echo "-- vagrant ssh-config: host, port, user and key for every machine"
vagrant ssh-config >"$sshconfig"
for m in "${machines[@]}"; do
  fields=$(awk -v m="$m" '$1 == "Host" { in_m = ($2 == m) }
                          in_m && $1 ~ /^(HostName|Port|User|IdentityFile)$/ { print $1 "=" $2 }' "$sshconfig")
  echo "$m: $(echo $fields)"
  for f in HostName Port User IdentityFile; do
    echo "$fields" | grep -q "^$f=." || fail "no $f for $m in vagrant ssh-config"
  done
  key=$(echo "$fields" | sed -n 's/^IdentityFile=//p')
  [ -r "$key" ] || fail "IdentityFile $key of $m is not readable"
  grep -q "IdentityFile .*insecure_private_key" <<<"$fields" && fail "$m still uses the insecure key"
done

echo "-- ssh and passwordless sudo"
for m in "${machines[@]}"; do
  out=$(on "$m" 'hostname; sudo -n true && echo sudo-ok' | tr -d '\r')
  echo "$m: $(echo $out)"
  [ "$(sed -n 1p <<<"$out")" = "$m" ] || fail "$m: hostname is not $m"
  grep -qx sudo-ok <<<"$out" || fail "$m: sudo -n true failed"
done

echo "-- host keys: one per machine, pinned from Vagrant, checked by plain ssh"
for m in "${machines[@]}"; do
  host=$(awk -v m="$m" '$1 == "Host" { in_m = ($2 == m) } in_m && $1 == "HostName" { print $2 }' "$sshconfig")
  port=$(awk -v m="$m" '$1 == "Host" { in_m = ($2 == m) } in_m && $1 == "Port" { print $2 }' "$sshconfig")
  hostkey=$(on "$m" 'cat /etc/ssh/ssh_host_ed25519_key.pub' | tr -d '\r' | awk '{ print $1, $2 }')
  echo "[$host]:$port $hostkey" >>"$known_hosts"
done
[ "$(awk '{ print $3 }' "$known_hosts" | sort -u | wc -l)" -eq "${#machines[@]}" ] \
  || fail "machines share a host key"
for m in "${machines[@]}"; do
  run "$m" true || fail "$m: ssh with the pinned host key failed"
done
echo "ok: ${#machines[@]} distinct ed25519 host keys, strict checking passes"

echo "-- the private network"
declare -A ip
for m in "${machines[@]}"; do
  ip[$m]=$(run "$m" "ip -4 -o addr show" | tr -d '\r' \
           | awk -v net="$NETWORK." '{ split($4, a, "/") } index(a[1], net) == 1 { print a[1]; exit }')
  [ -n "${ip[$m]}" ] || fail "$m has no address in $NETWORK.0/24"
  echo "$m: ${ip[$m]}"
done
for ((i = 0; i < STANDBYS; i++)); do
  run primary "ping -c1 -W2 ${ip[standby-$i]} >/dev/null" || fail "primary cannot reach standby-$i"
  run "standby-$i" "ping -c1 -W2 ${ip[primary]} >/dev/null" || fail "standby-$i cannot reach primary"
done
echo "ok: primary <-> every standby"

if [ "$STANDBYS" -gt 0 ]; then
  s=standby-0
  echo "-- partition with iptables inside the primary (how the library cuts it on any provider)"
  t=$(now)
  run primary "sudo iptables -I INPUT -s ${ip[$s]} -j DROP && sudo iptables -I OUTPUT -d ${ip[$s]} -j DROP"
  run primary "! ping -c1 -W1 ${ip[$s]} >/dev/null" || fail "iptables did not cut primary from $s"
  run "$s" "! ping -c1 -W1 ${ip[primary]} >/dev/null" || fail "iptables did not cut $s from primary"
  run primary "sudo iptables -D INPUT -s ${ip[$s]} -j DROP && sudo iptables -D OUTPUT -d ${ip[$s]} -j DROP"
  run primary "ping -c1 -W2 ${ip[$s]} >/dev/null" || fail "primary does not reach $s after healing"
  echo "ok: cut and healed in $(since "$t") (over ssh)"

  echo "-- partition with docker network disconnect (docker provider only; SSH stays up)"
  t=$(now)
  cid=$(cat "$VAGRANT_DOTFILE_PATH/machines/$s/docker/id")
  net=$(docker inspect --format '{{range $n, $e := .NetworkSettings.Networks}}{{$n}} {{$e.IPAddress}}{{"\n"}}{{end}}' "$cid" \
        | awk -v ip="${ip[$s]}" '$2 == ip { print $1 }')
  [ -n "$net" ] || fail "no docker network holds ${ip[$s]}"
  port_before=$(docker port "$cid" 22/tcp | head -n1)
  docker network disconnect "$net" "$cid"
  run primary "! ping -c1 -W1 ${ip[$s]} >/dev/null" || fail "disconnect did not cut primary from $s"
  run "$s" "true" || fail "$s: SSH broke while its private network was disconnected"
  docker network connect --ip "${ip[$s]}" "$net" "$cid"
  run primary "ping -c1 -W2 ${ip[$s]} >/dev/null" || fail "primary does not reach $s after reconnecting"
  port_after=$(docker port "$cid" 22/tcp | head -n1)
  [ "$port_before" = "$port_after" ] || fail "SSH port of $s moved: $port_before -> $port_after"
  echo "ok: network '$net', cut and healed in $(since "$t"); SSH port $port_after unchanged"
fi

ids=$(container_ids)
networks=$(for id in $ids; do
             docker inspect --format '{{range $n, $e := .NetworkSettings.Networks}}{{$n}}{{"\n"}}{{end}}' "$id"
           done | grep -vx bridge | sort -u)
echo "-- vagrant destroy -f"
t=$(now)
vagrant destroy -f
destroyed=yes
echo "vagrant destroy: $(since "$t")"

echo "== nothing of the smoke test is left"
left=$(for id in $ids; do docker ps -aq --no-trunc --filter "id=$id"; done)
left_networks=$(for n in $networks; do docker network ls -q --filter "name=^${n}\$"; done)
if [ -n "$left" ] || [ -n "$left_networks" ]; then
  echo "left behind: containers ${left:-none}, networks ${left_networks:-none}" >&2
  exit 1
fi
[ ! -e "$REPO/vagrant/.vagrant" ] || fail "vagrant/.vagrant was created"
echo "none (containers: $(echo $ids | wc -w) removed; networks: $(echo ${networks:-none}) removed)"
echo "== .ci/vagrant.sh done in $(since "$script_start")"
