#!/usr/bin/env bash
# hotstandby (containers backend): the main process of every node's container, under Docker's
# init (tini). It prepares what the image's entrypoint cannot, then runs the image's own
# `docker-entrypoint.sh postgres` (the official postgres image's contract) as its child, so that
# the backend can stop or kill the server and start it again while the container, its network
# alias, its mapped port and its data directory (a tmpfs at $PGDATA) stay.
#
#   HOTSTANDBY_ROLE=primary   nothing to prepare: the image initialises $PGDATA and runs
#                             /docker-entrypoint-initdb.d/hotstandby.sh, which installs the config
#   HOTSTANDBY_ROLE=standby   on the first start, a base backup of $HOTSTANDBY_UPSTREAM over the
#                             cluster's Docker network (retried until the upstream accepts), then
#                             this node's identity and standby settings from /hotstandby/standby/
#
# The backend stops or kills the server with `hold` (below: signal the postmaster, keep the
# container) and starts it again with `release`. A server that exits unasked ends the container.
set -euo pipefail

: "${PGDATA:?the image must set PGDATA (the official postgres image contract)}"
HOLD=/tmp/hotstandby-hold
START=/tmp/hotstandby-start

if [ "${1:-}" = hold ]; then
	# usage: node.sh hold INT|KILL -- stop (fast shutdown) or crash the server, keep the container
	touch "$HOLD"
	pid=$(head -n 1 "$PGDATA/postmaster.pid")
	kill "-$2" "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
	exit 0
fi
if [ "${1:-}" = release ]; then
	rm -f "$HOLD"
	touch "$START"
	exit 0
fi

# archiving = true: the cluster's shared archive volume, writable for the image's postgres user
if [ -d /hotstandby-archive ] && [ "$(id -u)" = 0 ]; then
	chmod 1777 /hotstandby-archive
fi

if [ "${HOTSTANDBY_ROLE:-}" = standby ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
	deadline=$((SECONDS + ${HOTSTANDBY_TIMEOUT:-60}))
	errors=/tmp/hotstandby-basebackup.err
	echo "hotstandby: base backup of $HOTSTANDBY_UPSTREAM"
	# PGPASSWORD (the cluster's generated password) is in the environment
	until pg_basebackup --host="$HOTSTANDBY_UPSTREAM" --port=5432 --username="${POSTGRES_USER:-postgres}" \
			--no-password --pgdata="$PGDATA" --wal-method=stream --checkpoint=fast --no-sync 2>"$errors"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			cat "$errors" >&2
			echo "hotstandby: no base backup of $HOTSTANDBY_UPSTREAM within ${HOTSTANDBY_TIMEOUT:-60} s" >&2
			exit 1
		fi
		sleep 0.05
	done
	cp /hotstandby/standby/* "$PGDATA/"
	echo "hotstandby: base backup done"
fi

server=
# docker stop: a fast shutdown of the server, then the container ends
trap 'if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" || true; fi; exit 0' INT TERM
while true; do
	docker-entrypoint.sh postgres &
	server=$!
	status=0
	wait "$server" || status=$?
	server=
	if [ ! -e "$HOLD" ]; then
		echo "hotstandby: the server exited with status $status"
		exit "$status"
	fi
	echo "hotstandby: the server is stopped; waiting to be started again"
	until [ -e "$START" ]; do sleep 0.02; done
	rm -f "$START"
done
