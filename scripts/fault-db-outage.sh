#!/usr/bin/env bash
# Database outage with a real stop: the app (Release) under load from 4 clients while PostgreSQL itself is stopped
# (pg_ctl stop -m fast) for DOWN seconds and started again. Prints the answers second by second (expected: 202,
# then 503 + Retry-After while the server is down, then 202 again; never another 5xx, never a hang), /readyz meanwhile,
# and checks afterwards that every acknowledged event is stored exactly once and the pipeline drained by itself.
#   scripts/fault-db-outage.sh [down=20] [seconds=60]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
DOWN=${1:-20}
SECONDS_RUN=${2:-60}
PG_DATA=$(mktemp -d /var/tmp/crowdstart-outage-pg.XXXXXX)
PG_PORT=${OUTAGE_PG_PORT:-55436}
APP_PORT=5093
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_outage;Username=postgres;Timeout=3;Command Timeout=10"

pg_start "$PG_DATA" "$PG_PORT"
dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly
ConnectionStrings__Crowdstart="$DB" Urls="http://127.0.0.1:$APP_PORT" Demo__Enabled=false Alerts__Enabled=false Logging__LogLevel__Default=Error \
    dotnet Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll >/tmp/crowdstart-outage-app.log 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true; pg_stop "$PG_DATA"; rm -rf "$PG_DATA"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null && break; sleep 0.5; done
read -r CAMPAIGN KEY < <(dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll setup --db "$DB")

(
    sleep 15
    echo "==> t=15s stopping PostgreSQL for ${DOWN}s"
    pg_stop "$PG_DATA"
    for _ in $(seq 1 $((DOWN / 2))); do
        echo "    /readyz $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$APP_PORT/readyz")"
        sleep 2
    done
    pg_start "$PG_DATA" "$PG_PORT"
    echo "==> PostgreSQL started again"
    sleep 5
    echo "    /readyz $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$APP_PORT/readyz")"
) &
OUTAGE_PID=$!

set +e
dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll outage --db "$DB" --url "http://127.0.0.1:$APP_PORT/" \
    --key "$KEY" --campaign "$CAMPAIGN" --seconds "$SECONDS_RUN"
status=$?
set -e
wait $OUTAGE_PID || true
echo "    /readyz after: $(curl -s --max-time 5 "http://127.0.0.1:$APP_PORT/readyz")"
echo "down: ${DOWN}s; machine: $(nproc) cores; $(date -u +%FT%TZ)"
exit "$status"
