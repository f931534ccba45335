#!/usr/bin/env bash
# Runs the product locally: a PostgreSQL 15 cluster (created on first use), the dashboard with the pipeline,
# and the demo traffic generator. Ctrl-C stops the app; `scripts/pg.sh stop` stops the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh

ensure_node

PORT=${PORT:-5080}
PG_PORT=${PG_PORT:-$PG_DEFAULT_PORT}
PG_DATA=${PG_DATA:-$PG_DEFAULT_DATA}

echo "==> Starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PG_DATA)"
pg_start "$PG_DATA" "$PG_PORT"

echo "==> Building (first build also fetches apexcharts with npm ci)"
dotnet build Crowdstart.Dashboard/Crowdstart.Dashboard.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

export ConnectionStrings__Crowdstart="Host=127.0.0.1;Port=$PG_PORT;Database=crowdstart;Username=postgres;Maximum Pool Size=40"
export Urls="http://127.0.0.1:$PORT"
export Demo__Enabled=true

cat <<MSG

  Crowdstart Analytics is starting at  http://127.0.0.1:$PORT
  Demo campaigns receive live launch traffic; open the URL, sign in and pick a campaign:
    creator (Aurora Studio: 2 campaigns)   maya@aurora.demo        Crowdstart-maya-demo
    creator (Trailblazer Gear: 1 campaign) theo@trailblazer.demo   Crowdstart-theo-demo
    admin (grants, audit log, retention)   admin@crowdstart.demo   Crowdstart-admin-demo
  Send your own events with the demo key (see README.md, "Ingest API"): cs_demo_aurora-lamp
  Ctrl-C stops the app; stop the database with: scripts/pg.sh stop

MSG
exec dotnet Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll
