#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server on loopback, then stops it and deletes
# its data, whatever happens:
#
#   bash scripts/with-postgres.sh npm test
#
# The server gets a fresh data directory in a temp folder, a free port on 127.0.0.1, trust auth
# and a database `paykit_test`; the command sees DATABASE_URL=postgres://postgres@127.0.0.1:PORT/paykit_test.
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root); as
# anyone else it runs as you.
#
# Environment: PG_BIN (folder with initdb/pg_ctl; default: the newest /usr/lib/postgresql/*/bin),
# PAYKIT_PG_DB (database name, default paykit_test), PAYKIT_PG_PORT (default: a free port),
# PAYKIT_PG_OPTIONS (more server settings, e.g. "-c shared_preload_libraries=pg_stat_statements"
# to see which statements cost most under load), PAYKIT_PG_SOCKET (set: DATABASE_URL connects
# over the server's Unix socket instead of TCP on loopback), PAYKIT_PG_DURABLE (set: fsync and
# synchronous commits on, as in production; the tests leave them off, see below),
# PAYKIT_PG_KEEP_LOG (a file to copy the server's log to when it stops).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/with-postgres.sh COMMAND [ARGS…]" >&2
  exit 2
fi

log() { echo "[with-postgres] $*" >&2; }

is_root=false
[ "$(id -u)" -eq 0 ] && is_root=true

find_pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
  elif command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
  fi
}

PG_BIN=$(find_pg_bin)
if [ -z "$PG_BIN" ] && $is_root && command -v apt-get >/dev/null 2>&1; then
  # A machine without the server: install it, without the cluster Debian would create and start.
  log "no PostgreSQL server binaries found; installing postgresql-15 with apt-get"
  mkdir -p /etc/postgresql-common
  [ -e /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends postgresql-15 >/dev/null
  PG_BIN=$(find_pg_bin)
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
  log "no PostgreSQL server found: install it (Debian: apt-get install postgresql-15) or set PG_BIN"
  exit 1
fi

as_pg=()
if $is_root; then
  if ! id postgres >/dev/null 2>&1; then
    log "running as root but there is no 'postgres' user to run the server as"
    exit 1
  fi
  as_pg=(runuser -u postgres --)
fi

base=${TMPDIR:-/tmp}
if $is_root && ! runuser -u postgres -- test -x "$base" 2>/dev/null; then base=/tmp; fi
PG_TMP=$(mktemp -d "$base/paykit-pg.XXXXXX")
PG_DATA="$PG_TMP/data"
PG_LOG="$PG_TMP/server.log"
$is_root && chown postgres: "$PG_TMP"
started=false

# Runs a PostgreSQL program as the server's user, from a folder that user can read.
pg() { (cd "$PG_TMP" && "${as_pg[@]}" "$PG_BIN/$1" "${@:2}"); }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if $started; then
    pg pg_ctl -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      pg pg_ctl -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    log "stopped PostgreSQL"
  fi
  if [ -n "${PAYKIT_PG_KEEP_LOG:-}" ] && [ -f "$PG_LOG" ]; then cp "$PG_LOG" "$PAYKIT_PG_KEEP_LOG" || true; fi
  rm -rf "$PG_TMP"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

pg initdb -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C --no-sync >"$PG_TMP/initdb.log" 2>&1 || {
  cat "$PG_TMP/initdb.log" >&2
  exit 1
}

# The tests' data is thrown away, so by default it is not flushed to disk (fsync, synchronous
# commits and full-page writes off: much faster). Figures that stand for production (the soak,
# the bench) set PAYKIT_PG_DURABLE=1: PostgreSQL's own durable defaults, every commit flushed.
DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ -n "${PAYKIT_PG_DURABLE:-}" ] && DURABILITY=""

# A port can be taken between picking it and binding it: try a few.
for attempt in 1 2 3 4 5; do
  PORT=${PAYKIT_PG_PORT:-$(free_port)}
  # Throwaway data: durability off (unless PAYKIT_PG_DURABLE), loopback only, socket in the temp folder.
  if pg pg_ctl -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$PG_TMP $DURABILITY ${PAYKIT_PG_OPTIONS:-}" \
    start; then
    started=true
    break
  fi
  log "PostgreSQL did not start on port $PORT (attempt $attempt):"
  tail -n 5 "$PG_LOG" >&2 || true
  if [ -n "${PAYKIT_PG_PORT:-}" ]; then exit 1; fi
done
$started || exit 1

for _ in $(seq 1 60); do
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; then break; fi
  sleep 0.5
done
"$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres || {
  log "PostgreSQL is not ready on 127.0.0.1:$PORT"
  tail -n 20 "$PG_LOG" >&2 || true
  exit 1
}

DB=${PAYKIT_PG_DB:-paykit_test}
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"

if [ -n "${PAYKIT_PG_SOCKET:-}" ]; then
  # Over the server's Unix socket, as an application on the database's own machine connects.
  export DATABASE_URL="postgres://postgres@localhost:$PORT/$DB?host=$PG_TMP"
else
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/$DB"
fi
log "$("$PG_BIN/postgres" --version) on 127.0.0.1:$PORT, data in $PG_TMP ($([ -n "$DURABILITY" ] && echo "durability off: test settings" || echo durable)); DATABASE_URL=$DATABASE_URL"

set +e
"$@"
status=$?
set -e
exit "$status"
