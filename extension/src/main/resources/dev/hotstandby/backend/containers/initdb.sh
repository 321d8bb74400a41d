#!/usr/bin/env bash
# hotstandby (containers backend): run by the image's entrypoint once, while a template image is
# made, right after initdb, while its temporary server listens on the Unix socket only. Hands
# initdb's own postgresql.conf and pg_hba.conf to hotstandby, which applies the repository's
# configs/ to them (so the stock files of whatever major this image runs get exactly the
# repository's additions) and sends them back with the template's node.conf (the settings
# pg_control records, which a standby copied from the template checks); installs them; and
# removes the throwaway password initdb was given: each cluster's primary sets its own (node.sh).
set -euo pipefail

exchange=/tmp/hotstandby-configs
mkdir -p "$exchange/stock"
cp "$PGDATA/postgresql.conf" "$PGDATA/pg_hba.conf" "$PGDATA/PG_VERSION" "$exchange/stock/"
echo "hotstandby: initdb done, waiting for the configuration"

deadline=$((SECONDS + ${HOTSTANDBY_TIMEOUT:-60}))
until [ -e "$exchange/rendered/ready" ]; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "hotstandby: no configuration arrived within ${HOTSTANDBY_TIMEOUT:-60} s" >&2
		exit 1
	fi
	sleep 0.02
done
cp "$exchange/rendered/postgresql.conf" "$exchange/rendered/pg_hba.conf" "$exchange"/rendered/node/* "$PGDATA/"

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "${POSTGRES_USER:-postgres}" --dbname postgres \
	<<'SQL'
ALTER ROLE CURRENT_USER PASSWORD NULL;
SQL
echo "hotstandby: configuration installed"
