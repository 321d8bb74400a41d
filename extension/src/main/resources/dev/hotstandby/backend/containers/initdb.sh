#!/usr/bin/env bash
# hotstandby (containers backend): run by the image's entrypoint once, right after initdb, while its
# temporary server listens on the Unix socket only. Hands initdb's own postgresql.conf and
# pg_hba.conf to hotstandby, which applies the repository's configs/ to them (so the stock files of
# whatever major this image runs get exactly the repository's additions) and sends them back with
# this node's identity (node.conf) and the test's settings (user.conf); installs them; and stores the superuser's password as a SCRAM
# verifier, which the rules in pg_hba.conf require (majors before 14 would store md5).
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
	--set password="$POSTGRES_PASSWORD" <<'SQL'
SET password_encryption = 'scram-sha-256';
ALTER ROLE CURRENT_USER PASSWORD :'password';
SQL
echo "hotstandby: configuration installed"
