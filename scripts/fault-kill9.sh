#!/usr/bin/env bash
# kill -9 trials at length: the app as a separate process under load, SIGKILLed at random moments and restarted,
# TRIALS times (default 12), then drained and checked (every 202-acknowledged event stored exactly once, every
# rollup equal to the recomputation from the raw log). The test command runs the same test with 4 trials.
#   scripts/fault-kill9.sh [trials=12]
#   scripts/fault-kill9.sh --cluster [trials=10]   three JetStream servers and two app instances under load; each trial
#                                                  SIGKILLs a random server or instance and brings it back (the test
#                                                  command runs 2 trials); then the same exactly-once and rollup checks
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/nats.sh
FILTER="FullyQualifiedName~KillNineTests"
if [ "${1:-}" = "--cluster" ]; then
    shift
    ensure_nats
    export CROWDSTART_CLUSTER_TRIALS=${1:-10}
    FILTER="FullyQualifiedName~ClusterFaultTests.Cluster_RandomServersAndInstancesKilledUnderLoad"
fi
TRIALS=${1:-12}
PG_DATA=$(mktemp -d /var/tmp/crowdstart-fault-pg.XXXXXX)
PG_PORT=${FAULT_PG_PORT:-55435}
trap 'pg_stop "$PG_DATA"; rm -rf "$PG_DATA"' EXIT
# Default durability: the database is not the thing being killed, but nothing is relaxed either.
pg_start "$PG_DATA" "$PG_PORT"
export CROWDSTART_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Maximum Pool Size=50"
export CROWDSTART_KILL_TRIALS=$TRIALS
dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly
set +e
dotnet test Crowdstart.Tests -c Release --no-build -nologo --filter "$FILTER" --logger "console;verbosity=detailed" 2>&1 \
    | tee /tmp/crowdstart-fault-kill9.log | grep -E "Passed|Failed|missing|Assert|Error|acknowledged|killed"
status=${PIPESTATUS[0]}
set -e
echo "trials: $TRIALS; machine: $(nproc) cores; $(date -u +%FT%TZ)"
exit "$status"
