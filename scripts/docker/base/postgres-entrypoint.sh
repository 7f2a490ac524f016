#!/bin/sh
# The local Postgres image's start: a fresh cluster that trusts every connection (a test
# server, as the official image with POSTGRES_HOST_AUTH_METHOD=trust), on PGPORT (5432 unset).
set -eu
DATA=/var/lib/postgresql/data
if [ ! -s "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA" && chown postgres:postgres "$DATA"
  su postgres -c "/usr/lib/postgresql/15/bin/initdb -D $DATA -U postgres --auth=trust -E UTF8" >/dev/null
  echo "host all all 0.0.0.0/0 trust" >> "$DATA/pg_hba.conf"
  echo "host all all ::/0 trust" >> "$DATA/pg_hba.conf"
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups /usr/lib/postgresql/15/bin/postgres -D "$DATA" -c listen_addresses='*' -p "${PGPORT:-5432}" -c fsync="${PG_FSYNC:-on}" -k /tmp
