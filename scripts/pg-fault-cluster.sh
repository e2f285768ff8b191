#!/usr/bin/env bash
# A PostgreSQL server of the fault stage's own, which the stage may stop and start at will
# (the machine's shared server on 5432 is never touched):
#
#   IBIAS_FAULT_PG_DIR=/tmp/x IBIAS_FAULT_PG_PORT=5499 scripts/pg-fault-cluster.sh start|down|up|stop
#
# start: a new cluster (initdb, trust auth, user postgres) listening on 127.0.0.1:$PORT
# down:  stops it at once (pg_ctl -m fast: open connections are cut, as in an outage)
# up:    starts it again on the same data
# stop:  stops it and removes it
# initdb refuses to run as root, so as root the server runs as the postgres user the
# Debian package creates.
set -euo pipefail
DIR="${IBIAS_FAULT_PG_DIR:?set IBIAS_FAULT_PG_DIR}"
PORT="${IBIAS_FAULT_PG_PORT:-5499}"
BIN=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || {
  echo "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)" >&2
  exit 1
}
# runuser lives in /usr/sbin, which a minimal PATH (CI's) may not have.
RUNUSER=$(command -v runuser || ls /usr/sbin/runuser /sbin/runuser 2>/dev/null | head -1 || true)
as_postgres() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif [ -n "$RUNUSER" ]; then
    # From /: the caller's folder may be closed to the postgres user.
    (cd / && "$RUNUSER" -u postgres -- "$@")
  else
    (cd / && su -s /bin/sh postgres -c "$(printf '%q ' "$@")")
  fi
}
pg_ctl() {
  as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" "$@" >/dev/null
}
case "${1:-}" in
  start)
    # A server a previous run left behind on this folder goes first.
    [ -f "$DIR/data/postmaster.pid" ] && { pg_ctl -w -m immediate stop 2>/dev/null || true; }
    rm -rf "$DIR" && mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR"
    as_postgres "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust >"$DIR/initdb.log" 2>&1 || {
      cat "$DIR/initdb.log" >&2
      exit 1
    }
    pg_ctl -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start
    ;;
  down) pg_ctl -w -m fast stop ;;
  up)
    # Already running: nothing to do.
    as_postgres "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 ||
      pg_ctl -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start
    ;;
  stop)
    pg_ctl -w -m immediate stop 2>/dev/null || true
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|down|up|stop" >&2
    exit 2
    ;;
esac
