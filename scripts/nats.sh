#!/usr/bin/env bash
# NATS JetStream on loopback, for the JetStream log engine (sourced by test.sh and run.sh, or run directly).
#   scripts/nats.sh start DIR NODES FIRST_PORT   start NODES servers (1, or 3 for a cluster): client ports FIRST_PORT..,
#                                                route ports FIRST_PORT+100..; prints the client URLs, comma-separated
#   scripts/nats.sh stop DIR                     stop every server started in DIR
#   scripts/nats.sh kill DIR N                   kill -9 node N (1-based), as a crash would
#   scripts/nats.sh restart DIR N                start node N again with its data
# Data, configs, logs and process ids live in DIR. Installs Debian's nats-server when it is missing.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_nats() {
    if ! command -v nats-server >/dev/null 2>&1; then
        echo "==> Installing Debian's nats-server" >&2
        apt_install nats-server
    fi
}

nats_node_start() {
    local dir=$1 n=$2
    nats-server -c "$dir/n$n.conf" >>"$dir/n$n.log" 2>&1 &
    echo $! >"$dir/n$n.pid"
}

nats_start() {
    local dir=$1 nodes=$2 first=$3
    ensure_nats
    mkdir -p "$dir"
    local routes="" urls="" n
    for n in $(seq 1 "$nodes"); do
        routes+="nats-route://127.0.0.1:$((first + 100 + n - 1)),"
        urls+="nats://127.0.0.1:$((first + n - 1)),"
    done
    routes=${routes%,}
    urls=${urls%,}
    for n in $(seq 1 "$nodes"); do
        mkdir -p "$dir/n$n"
        {
            echo "server_name: n$n"
            echo "listen: 127.0.0.1:$((first + n - 1))"
            echo "jetstream { store_dir: \"$dir/n$n\", max_mem: 256MB, max_file: 8GB }"
            if [ "$nodes" -gt 1 ]; then
                echo "cluster { name: crowdstart, listen: 127.0.0.1:$((first + 100 + n - 1)), routes: [$routes] }"
            fi
        } >"$dir/n$n.conf"
        nats_node_start "$dir" "$n"
    done
    # Ready when every node answers and, for a cluster, JetStream has elected its metadata leader.
    local deadline=$((SECONDS + 60))
    for n in $(seq 1 "$nodes"); do
        until (exec 3<>"/dev/tcp/127.0.0.1/$((first + n - 1))") 2>/dev/null; do
            [ $SECONDS -lt $deadline ] || { echo "nats-server n$n did not start; see $dir/n$n.log" >&2; return 1; }
            sleep 0.2
        done
    done
    if [ "$nodes" -gt 1 ]; then
        until grep -qh "JetStream cluster new metadata leader\|Self is new JetStream cluster metadata leader" "$dir"/n*.log 2>/dev/null; do
            [ $SECONDS -lt $deadline ] || { echo "the JetStream cluster elected no leader; see $dir/n*.log" >&2; return 1; }
            sleep 0.2
        done
    fi
    echo "$urls"
}

nats_stop() {
    local dir=$1 pidfile
    for pidfile in "$dir"/n*.pid; do
        [ -e "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    for pidfile in "$dir"/n*.pid; do
        [ -e "$pidfile" ] || continue
        local pid
        pid=$(cat "$pidfile")
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start) nats_start "$2" "${3:-1}" "${4:-55422}" ;;
        stop) nats_stop "$2" ;;
        kill) kill -9 "$(cat "$2/n$3.pid")" ;;
        restart) nats_node_start "$2" "$3" ;;
        *) echo "usage: scripts/nats.sh start DIR [NODES] [FIRST_PORT] | stop DIR | kill DIR N | restart DIR N" >&2; exit 2 ;;
    esac
fi
