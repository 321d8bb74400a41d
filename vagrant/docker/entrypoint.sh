#!/bin/sh
# Main process of a hotstandby Vagrant machine on the docker provider: this container's own host
# keys, then sshd in the foreground (logging to stderr, i.e. `docker logs`).
set -eu
ssh-keygen -A >/dev/null
mkdir -p /run/sshd
chmod 0755 /run/sshd
exec /usr/sbin/sshd -D -e
