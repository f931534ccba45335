#!/usr/bin/env bash
# Forecast evaluation (docs/forecast.md): a simulated corpus of finished campaigns (Forecast/CampaignSimulator) posted
# through the app's ingest API and processed by its pipeline into the metric tables, split by launch date (the
# earlier 70 % to learn from, the later 30 % to forecast), each test campaign forecast as it stood at T+4 h, T+24 h,
# 10 % and 50 % of its duration. Prints accuracy of "reaches the goal", Brier score, MAPE of the final total and the
# 80 % interval's coverage beside the linear trend projection and the majority class, and writes the calibration
# chart to docs/images/forecast-calibration.svg. Not a test: the table goes into docs/forecast.md.
#   scripts/bench-forecast.sh [campaigns=2000] [seed=18] [forecaster settings, e.g. --neighbours 40 --traffic-weight 2]
# REUSE=true keeps the database of the previous run and evaluates its corpus again (seconds, not minutes): for trying
# the forecaster's settings; the figures in docs/forecast.md come from a fresh run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
source scripts/bench-common.sh
CAMPAIGNS=${1:-2000}
SEED=${2:-18}
shift $(( $# < 2 ? $# : 2 ))
APP_PORT=5091

if [ "${REUSE:-false}" = true ]; then bench_database crowdstart_forecast_bench "Maximum Pool Size=40" keep; else bench_database crowdstart_forecast_bench; fi
bench_build
# The app's own forecast service stays idle here (the corpus has no running campaign); the bench forecasts itself,
# at each horizon, from the same trajectory reads.
bench_app_start "$APP_PORT" /tmp/crowdstart-bench-forecast.log
$BENCH forecast --db "$DB" --url "http://127.0.0.1:$APP_PORT/" --campaigns "$CAMPAIGNS" --seed "$SEED" --svg docs/images/forecast-calibration.svg \
    --reuse "${REUSE:-false}" "$@"
kill $APP_PID; wait $APP_PID 2>/dev/null || true
bench_machine
