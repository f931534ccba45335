#!/usr/bin/env bash
# Fan-out benchmark against the real app (Release, own cluster on 55434, demo off): N SignalR subscribers streaming
# one campaign through /hubs/campaigns; push latency from ingest 202 to every subscriber's snapshot, and app memory.
#   scripts/bench-fanout.sh [subscribers=1000] [probes=30] [background events/s=0]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh
SUBSCRIBERS=${1:-1000}
PROBES=${2:-30}
RATE=${3:-0}
PG_DATA=/var/lib/crowdstart/bench-pgdata
PG_PORT=55434
APP_PORT=5092
DB="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart_fanout_bench;Username=postgres;Maximum Pool Size=60"
ADMIN=bench-admin@crowdstart.test
PASSWORD=bench-admin-password-1

pg_start "$PG_DATA" "$PG_PORT"
pg_as_postgres psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS crowdstart_fanout_bench WITH (FORCE)" >/dev/null
dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly

# One benchmark account holds every subscriber: the per-account connection cap is lifted for it.
ConnectionStrings__Crowdstart="$DB" Urls="http://127.0.0.1:$APP_PORT" Demo__Enabled=false Logging__LogLevel__Default=Warning \
    Accounts__BootstrapAdminEmail="$ADMIN" Accounts__BootstrapAdminPassword="$PASSWORD" Alerts__Enabled=false \
    Hub__MaxConnectionsPerUser=$((SUBSCRIBERS + 10)) \
    dotnet Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll >/tmp/crowdstart-fanout-bench-app.log 2>&1 &
APP_PID=$!
trap 'kill $APP_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null && break; sleep 0.5; done

dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll fanout --db "$DB" --url "http://127.0.0.1:$APP_PORT/" \
    --email "$ADMIN" --password "$PASSWORD" --app-pid "$APP_PID" --subscribers "$SUBSCRIBERS" --probes "$PROBES" --rate "$RATE"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
