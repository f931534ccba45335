#!/usr/bin/env bash
# Local PostgreSQL 15 cluster helpers, sourced by run.sh and test.sh; also a command:
#   scripts/pg.sh start|stop|status [DATA_DIR] [PORT]
# PostgreSQL refuses to run as root, so the cluster runs as the 'postgres' system user, in a data folder
# under /var/lib (reachable by that user even when the clone lives in root's private home folder).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_DEFAULT_DATA=/var/lib/crowdstart/pgdata
PG_DEFAULT_PORT=55432

pg_bin() {
    # initdb/pg_ctl are on PATH on this machine kind; fall back to Debian's versioned folder.
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; else echo /usr/lib/postgresql/15/bin; fi
}

# Installs the PostgreSQL 15 server from Debian when this machine has none.
pg_ensure_server() {
    if [ ! -x "$(pg_bin)/initdb" ]; then
        echo "==> Installing PostgreSQL 15 (Debian package postgresql-15)"
        apt_install postgresql-15
    fi
}

pg_as_postgres() {
    # From / so the postgres user never needs to enter the caller's (possibly private) folder.
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_ensure_user() {
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --create-home --shell /bin/bash postgres
    fi
}

# pg_start DATA PORT [extra postgres -c settings...]: creates the cluster on first use, starts it, waits.
pg_start() {
    local data=$1 port=$2; shift 2
    pg_ensure_server
    local bin; bin=$(pg_bin)
    pg_ensure_user
    # Only the data folder itself belongs to postgres; its parent just has to be enterable.
    mkdir -p "$(dirname "$data")"
    chmod a+x "$(dirname "$data")"
    install -d -o postgres -g postgres -m 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
        pg_as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if pg_as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        # Already running: fine if on the requested port, else restart it there.
        if [ "$(sed -n 4p "$data/postmaster.pid" 2>/dev/null)" = "$port" ]; then
            return 0
        fi
        pg_as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    local opts="-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=200"
    for setting in "$@"; do opts="$opts -c $setting"; done
    # The server outlives this script: it must not inherit the caller's descriptors, or a `flock LOCK script` stays
    # locked for as long as the cluster runs (the benchmark clusters are kept between runs).
    (
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        pg_as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 -o "$opts" start >/dev/null
    )
}

pg_stop() {
    local data=$1
    local bin; bin=$(pg_bin)
    if [ -f "$data/PG_VERSION" ]; then
        pg_as_postgres "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    cmd=${1:-status}; data=${2:-$PG_DEFAULT_DATA}; port=${3:-$PG_DEFAULT_PORT}
    case "$cmd" in
        start) pg_start "$data" "$port"; echo "PostgreSQL running on 127.0.0.1:$port (data: $data)";;
        stop) pg_stop "$data"; echo "PostgreSQL stopped ($data)";;
        status) pg_as_postgres "$(pg_bin)/pg_ctl" -D "$data" status || true;;
        *) echo "usage: scripts/pg.sh start|stop|status [DATA_DIR] [PORT]" >&2; exit 2;;
    esac
fi
