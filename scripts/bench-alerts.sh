#!/usr/bin/env bash
# Alert scenario suite, long version: every labelled scenario over many seeds in simulated time (recall, false
# alerts per 24 h, detection delay per detector and scenario) and the silent 50 % conversion drop by volume.
#   scripts/bench-alerts.sh [seeds=20] [normal-hours=24]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh
SEEDS=${1:-20}
HOURS=${2:-24}
bench_build bench/Crowdstart.Bench
$BENCH alerts --seeds "$SEEDS" --hours "$HOURS"
bench_machine
