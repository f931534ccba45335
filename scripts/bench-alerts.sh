#!/usr/bin/env bash
# Alert scenario suite, long version: every labelled scenario over many seeds in simulated time (recall, false
# alerts per 24 h, detection delay per detector and scenario) and the silent 50 % conversion drop by volume.
#   scripts/bench-alerts.sh [seeds=20] [normal-hours=24]
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-20}
HOURS=${2:-24}
dotnet build bench/Crowdstart.Bench -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll alerts --seeds "$SEEDS" --hours "$HOURS"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
