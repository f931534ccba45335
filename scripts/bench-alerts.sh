#!/usr/bin/env bash
# Alert scenario suite, long version: every labelled scenario over many seeds in simulated time (recall, false
# alerts per 24 h per incident-free scenario, detection delay per detector and scenario, for the three presets) and the
# delay of a silent 50 % conversion drop, a checkout outage and a payment-failure spike by volume.
#   scripts/bench-alerts.sh [seeds=20] [normal-hours=24]
# Live (--live): the alert delay a creator sees, end to end, on the real clock. The Release app (pipeline and alert
# monitor on, demo off) on its own database; per run a fresh campaign, its history replayed through the ingest API,
# demo-like visitors posted in real time (a batch a second), the creator's campaign page open in Chromium, then a
# checkout outage (60 % of checkouts break) at a known onset; prints onset → alert row (server) and onset → banner
# item (browser) per run, their p50/p90 and the detector that fired. Each run takes ≈ 2.5 min + its delay (5 runs at
# 60/min took 36 min on 2 cores), a miss ≈ 2.5 min + the timeout. See docs/benchmarks.md.
#   [VARIANT=mid|launch] [TIMEOUT_MINUTES=10] [LEAD=120] [APP_PORT=5094] scripts/bench-alerts.sh --live [runs=5] [visitors-per-minute=60]
#   VARIANT=mid (default): launched 2.5 h before, history replayed, so the campaign has its own baseline.
#   VARIANT=launch: launched 5 min before, so the incident starts at T+7 min: judged against the platform prior or the absolute guards.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --live ]; then
    source scripts/pg.sh
    source scripts/bench-common.sh
    RUNS=${2:-5}
    VISITORS=${3:-60}
    APP_PORT=${APP_PORT:-5094}
    bench_database crowdstart_live_alert_bench
    bench_build
    # Alerts:WarmupSeconds stays at its default (90 s): the first onset comes later than that after start-up.
    bench_app_start "$APP_PORT" /tmp/crowdstart-live-alert-bench-app.log
    echo "app: Release, pipeline and alert monitor on, Alerts settings at their defaults (WarmupSeconds 90, EvaluationIntervalSeconds 10, LatenessSeconds 2), log engine Postgres, port $APP_PORT"
    $BENCH live-alerts --db "$DB" --url "http://127.0.0.1:$APP_PORT/" --runs "$RUNS" --visitors "$VISITORS" --variant "${VARIANT:-mid}" \
        --timeout-minutes "${TIMEOUT_MINUTES:-10}" --lead "${LEAD:-120}" --chromium "$(command -v chromium || echo /usr/bin/chromium)"
    echo "code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+changes')"
    bench_machine
    exit 0
fi
source scripts/bench-common.sh
SEEDS=${1:-20}
HOURS=${2:-24}
bench_build bench/Crowdstart.Bench
$BENCH alerts --seeds "$SEEDS" --hours "$HOURS"
bench_machine
