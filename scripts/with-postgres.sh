#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL server on 127.0.0.1:${PG_PORT:-55432}.
# Installs Debian's postgresql package when it is missing (needs root, as on CI), starts a private
# cluster in a temp folder, exports TEST_DATABASE_URL for the command, and always stops the server.
#   bash scripts/with-postgres.sh npm run test:postgres
set -euo pipefail
PORT="${PG_PORT:-55432}"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian's packages…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

DATA="$(mktemp -d /tmp/passport-queue-pg.XXXXXX)"
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$DATA"
  RUN_AS=(runuser -u postgres --)
fi
stop() {
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap stop EXIT

"${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >/dev/null
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres"
"$@"
