#!/usr/bin/env bash
# The campaign page's rendering budget in the browser (issue 21, item 10): the Release app (pipeline on, demo and
# alerts off) on its own database; a campaign launched HISTORY hours ago with that history of demo-like visitors replayed
# through the ingest API, then the same traffic live (a batch a second); its page opened in Debian's Chromium per
# range; after a warm-up, over SECONDS: the main thread's busy share (CDP Performance.getMetrics TaskDuration delta
# / wall clock; script, layout and style shares beside it) and long tasks (PerformanceObserver 'longtask': count, max,
# total). Not a test: numbers go into docs/benchmarks.md.
#   TRACE=PREFIX adds a 10 s Chromium trace per range after the measurement (PREFIX-RANGE.json, for Perfetto or chrome://tracing).
#   [APP_PORT=5095] [TRACE=PREFIX] scripts/bench-browser.sh [visitors-per-minute=120] [history-hours=26] [seconds=60] [ranges=live,24h]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
VISITORS=${1:-120}
HISTORY=${2:-26}
SECONDS_RUN=${3:-60}
RANGES=${4:-live,24h}
APP_PORT=${APP_PORT:-5095}
bench_database crowdstart_browser_bench
bench_build
bench_app_start "$APP_PORT" /tmp/crowdstart-browser-bench-app.log Alerts__Enabled=false
$BENCH browser --db "$DB" --url "http://127.0.0.1:$APP_PORT/" --visitors "$VISITORS" --history-hours "$HISTORY" --seconds "$SECONDS_RUN" \
    --ranges "$RANGES" --chromium "$(command -v chromium || echo /usr/bin/chromium)" ${TRACE:+--trace "$TRACE"}
echo "code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Crowdstart.Dashboard 2>/dev/null || echo '+changes')"
bench_machine
