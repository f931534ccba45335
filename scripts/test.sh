#!/usr/bin/env bash
# Runs every test from nothing: installs Chromium (for the browser tests) and nats-server when missing, starts a
# private PostgreSQL 15 cluster and a JetStream server (the log tests run on both engines), builds, runs all tests,
# stops what it started, and exits non-zero on any failure.
#   scripts/test.sh          every test (what CI runs)
#   scripts/test.sh --fast   only the Unit and Component (bUnit) layers: no PostgreSQL, no Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/nats.sh

FAST=
case "${1:-}" in
    "") ;;
    --fast) FAST=1 ;;
    *) echo "usage: scripts/test.sh [--fast]" >&2; exit 2 ;;
esac

# The build fetches apexcharts with npm, in both modes.
ensure_node

RESULTS_DIR=${RESULTS_DIR:-$PWD/artifacts/test-results}
FILTER=()

if [ -n "$FAST" ]; then
    # Neither started nor pointed at: a test of these layers that reached for a database fails with the fixture's
    # "not set" message instead of passing on a server this shell happens to export (LayerRulesTests, itself in
    # this run, fails a Unit or Component class that takes a database, app or browser fixture).
    unset CROWDSTART_TEST_PG CROWDSTART_CHROMIUM CROWDSTART_TEST_NATS
    FILTER=(--filter "Layer=Unit|Layer=Component")
else
    TEST_PG_PORT=${TEST_PG_PORT:-55433}
    TEST_PG_DATA=$(mktemp -d /var/tmp/crowdstart-test-pg.XXXXXX)
    TEST_NATS_PORT=${TEST_NATS_PORT:-55422}
    TEST_NATS_DATA=$(mktemp -d /var/tmp/crowdstart-test-nats.XXXXXX)

    cleanup() {
        nats_stop "$TEST_NATS_DATA"
        rm -rf "$TEST_NATS_DATA"
        pg_stop "$TEST_PG_DATA"
        rm -rf "$TEST_PG_DATA"
    }
    trap cleanup EXIT

    ensure_chromium

    echo "==> Starting a private PostgreSQL cluster on 127.0.0.1:$TEST_PG_PORT"
    # Durability settings are relaxed for speed: the tests prove crash safety at the transaction level.
    pg_start "$TEST_PG_DATA" "$TEST_PG_PORT" fsync=off synchronous_commit=off full_page_writes=off
    export CROWDSTART_TEST_PG="Host=127.0.0.1;Port=$TEST_PG_PORT;Username=postgres;Maximum Pool Size=50"
    export CROWDSTART_CHROMIUM=${CROWDSTART_CHROMIUM:-$(command -v chromium)}

    echo "==> Starting a JetStream server on 127.0.0.1:$TEST_NATS_PORT"
    export CROWDSTART_TEST_NATS=$(nats_start "$TEST_NATS_DATA" 1 "$TEST_NATS_PORT")
fi
export CROWDSTART_ARTIFACTS="$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

echo "==> Building"
dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly

echo "==> Running tests${FAST:+ (fast: Unit and Component layers only)}"
set +e
dotnet test Crowdstart.sln -c Release --no-build -nologo ${FILTER[@]+"${FILTER[@]}"} --logger "console;verbosity=normal" --results-directory "$RESULTS_DIR" 2>&1 | tee "$RESULTS_DIR/test-output.log"
status=${PIPESTATUS[0]}
set -e

# CI keeps only the end of the output, and app logs interleave with results: repeat every failure (name, message,
# the top of its stack) here, so the reason is in the last lines whatever else was printed.
if grep -qE '^  Failed [A-Za-z]' "$RESULTS_DIR/test-output.log"; then
    echo
    echo "==> Failed tests"
    awk '
        /^  Failed [A-Za-z]/ { inblock = 1; section = "message"; lines = 0; print "----"; }
        inblock && (/^  (Passed|Skipped) / || /^(info|warn|fail|dbug|crit|trce): / || /^\[xUnit/) { inblock = 0 }
        inblock && /^  (Stack Trace|Standard Output Messages):/ { section = $0; lines = 0 }
        inblock && lines < (section == "message" ? 25 : 12) { print; lines++ }
    ' "$RESULTS_DIR/test-output.log"
    echo "----"
fi

# One plain summary line ("N passed, N failed") for CI, summed over test projects.
summary=$(grep -hoE '(Passed|Failed): +[0-9]+' "$RESULTS_DIR/test-output.log" \
    | awk '/Passed/ {p += $2} /Failed/ {f += $2} END {printf "%d passed, %d failed", p, f}')
echo "$summary"
exit "$status"
