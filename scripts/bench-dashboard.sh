#!/usr/bin/env bash
# Dashboard benchmark against the real app (Release build, own cluster on 55434, demo off): initial load of a
# campaign holding millions of events (view computation and signed-in page request), event committed → hub
# snapshot latency under a steady background load through the ingest API, and server memory per open campaign
# page (app RSS with N pages open in Debian's Chromium). Not a test: numbers go into docs/benchmarks.md.
#   scripts/bench-dashboard.sh [events=2000000] [rate=5000] [seconds=60] [pages=100]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
EVENTS=${1:-2000000}
RATE=${2:-5000}
SECONDS_RUN=${3:-60}
PAGES=${4:-100}
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
APP_PORT=5091
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_dashboard_bench;Username=postgres;Maximum Pool Size=60"
ADMIN=bench-admin@crowdstart.test
PASSWORD=bench-admin-password-1

pg_start "$PG_DATA" "$PG_PORT"
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_dashboard_bench WITH (FORCE)" >/dev/null
dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly

ConnectionStrings__Crowdstart="$DB" Urls="http://127.0.0.1:$APP_PORT" Demo__Enabled=false Logging__LogLevel__Default=Warning \
    Accounts__BootstrapAdminEmail="$ADMIN" Accounts__BootstrapAdminPassword="$PASSWORD" Alerts__Enabled=false Hub__MaxCircuitsPerUser=$((PAGES + 10)) \
    dotnet Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll >/tmp/crowdstart-dashboard-bench-app.log 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$APP_PORT/openapi/v1.json" >/dev/null && break; sleep 0.5; done

dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll dashboard --db "$DB" --url "http://127.0.0.1:$APP_PORT/" \
    --email "$ADMIN" --password "$PASSWORD" --app-pid "$APP_PID" --events "$EVENTS" --rate "$RATE" --seconds "$SECONDS_RUN" --pages "$PAGES" \
    --chromium "$(command -v chromium || echo /usr/bin/chromium)"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
