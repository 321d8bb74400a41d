#!/usr/bin/env bash
# hotstandby (containers backend): the main process of every node's container, under Docker's
# init (tini). It prepares what the image's entrypoint cannot, then runs the image's own
# `docker-entrypoint.sh postgres` (the official postgres image's contract) as its child, so that
# the backend can stop or kill the server and start it again while the container, its network
# alias, its mapped port and its data directory (a tmpfs at $PGDATA) stay.
#
#   HOTSTANDBY_ROLE=template  once per machine, in the container that makes a template image: the
#                             image initialises $PGDATA and runs
#                             /docker-entrypoint-initdb.d/hotstandby.sh, which installs the config;
#                             the server starts once with it, and when /tmp/hotstandby-template-stop
#                             appears it is stopped cleanly and $PGDATA copied to /hotstandby/template
#                             (outside the image's volume, so `docker commit` keeps it)
#   HOTSTANDBY_ROLE=primary   on the first start, a copy of /hotstandby/template/data with this
#   HOTSTANDBY_ROLE=standby   node's files from $HOTSTANDBY_FILE_* (a standby's: standby.signal
#                             and its standby settings) and the cluster network's pg_hba.conf rules
#                             ($HOTSTANDBY_HBA_RULES);
#                             a cold copy of a cleanly stopped cluster is a valid base for a standby.
#                             The primary then sets the cluster's password ($POSTGRES_PASSWORD):
#                             the template has none
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

TEMPLATE=/hotstandby/template/data
fresh=
if [ "${HOTSTANDBY_ROLE:-}" != template ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ ! -s "$TEMPLATE/PG_VERSION" ]; then
		echo "hotstandby: this image has no template data directory at $TEMPLATE" >&2
		exit 1
	fi
	cp -a "$TEMPLATE/." "$PGDATA/"
	# the node's files, each a variable holding its name, a newline, then its content: in the
	# environment, so nothing is copied into the container before its start (and bash writes them itself)
	written=("$PGDATA")
	for variable in ${!HOTSTANDBY_FILE_@}; do
		file="${!variable}"
		printf '%s' "${file#*$'\n'}" > "$PGDATA/${file%%$'\n'*}"
		written+=("$PGDATA/${file%%$'\n'*}")
	done
	printf '%s\n' "${HOTSTANDBY_HBA_RULES:-}" >> "$PGDATA/pg_hba.conf"
	# cp -a kept the template's owner; the files written here and the mount point are root's
	chown "$(stat -c %u:%g "$TEMPLATE")" "${written[@]}"
	chmod 700 "$PGDATA"
	fresh=yes
fi
if [ "${HOTSTANDBY_ROLE:-}" = template ]; then
	# a throwaway password for the image's initdb, which requires one; the hook removes it again
	POSTGRES_PASSWORD="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
	export POSTGRES_PASSWORD
fi

# Over the Unix socket, which the repository's pg_hba.conf trusts: the template has no password,
# so nothing reaches a node over TCP until its cluster's own is set here (standbys replay it).
set_password() {
	local deadline=$((SECONDS + ${HOTSTANDBY_TIMEOUT:-60})) status=() nothing
	exec {nothing}<> <(:)
	# the 8th line of postmaster.pid says "ready" (padded) once the server accepts connections (read by bash itself: no process per try)
	until [[ "${status[7]:-}" == ready* ]]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "hotstandby: the server was not ready within ${HOTSTANDBY_TIMEOUT:-60} s" >&2
			return 1
		fi
		# a sleep without a process: the server starts on the same cores
		read -r -t 0.005 -u "$nothing" || :
		mapfile -t status 2>/dev/null < "$PGDATA/postmaster.pid" || status=()
	done
	psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres \
		--set password="$POSTGRES_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
-- a synchronous standby cannot confirm it: it needs this very password to connect
SET synchronous_commit = local;
ALTER ROLE CURRENT_USER PASSWORD :'password';
SQL
	echo "hotstandby: password set"
}

server=
# docker stop: a fast shutdown of the server, then the container ends
trap 'if [ -n "$server" ]; then kill -INT "$server" 2>/dev/null || true; wait "$server" || true; fi; exit 0' INT TERM
while true; do
	docker-entrypoint.sh postgres &
	server=$!
	if [ "${HOTSTANDBY_ROLE:-}" = template ]; then
		until [ -e /tmp/hotstandby-template-stop ]; do sleep 0.02; done
		kill -INT "$server"
		wait "$server"
		mkdir -p "$(dirname "$TEMPLATE")"
		cp -a "$PGDATA" "$TEMPLATE"
		rm -f "$TEMPLATE/postmaster.opts" "$TEMPLATE/postmaster.pid"
		# only the WAL segment of the last checkpoint is needed; the others are recycled ones
		# for later, which every node would copy for nothing (the server makes new ones as needed)
		redo="$(pg_controldata "$TEMPLATE" 2>/dev/null | sed -n "s/^Latest checkpoint's REDO WAL file: *//p" || :)"
		if [ -n "$redo" ] && [ -f "$TEMPLATE/pg_wal/$redo" ]; then
			find "$TEMPLATE/pg_wal" -maxdepth 1 -type f ! -name "$redo" -delete
		fi
		rm -rf /tmp/hotstandby-configs /tmp/hotstandby-template-stop /docker-entrypoint-initdb.d/hotstandby.sh
		echo "hotstandby: template made"
		exit 0
	fi
	if [ -n "$fresh" ] && [ "${HOTSTANDBY_ROLE:-}" = primary ]; then
		fresh=
		set_password &
	fi
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
