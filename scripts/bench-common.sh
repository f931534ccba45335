#!/usr/bin/env bash
# Shared by the benchmark scripts (source after scripts/pg.sh, from the repo root). Every benchmark runs on one
# cluster of its own, kept between runs (port 55434, fsync on; BENCH_PG_PORT and BENCH_PG_DATA move it), each in its own database.

BENCH_PG_DATA=${BENCH_PG_DATA:-/var/lib/crowdstart/bench-pgdata}
BENCH_PG_PORT=${BENCH_PG_PORT:-55434}
BENCH="dotnet bench/Crowdstart.Bench/bin/Release/net10.0/Crowdstart.Bench.dll"

# bench_database NAME [CONNECTION SETTINGS=Maximum Pool Size=40] [keep]: starts the benchmark cluster, drops
# database NAME (unless "keep") so the run starts from an empty schema, and sets DB to its connection string.
bench_database() {
    local name=$1 settings=${2:-Maximum Pool Size=40} keep=${3:-}
    pg_start "$BENCH_PG_DATA" "$BENCH_PG_PORT"
    if [ "$keep" != keep ]; then
        pg_as_postgres psql -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
    fi
    DB="Host=127.0.0.1;Port=$BENCH_PG_PORT;Database=$name;Username=postgres;$settings"
}

# bench_build [PROJECT=Crowdstart.sln]: Release build; prints the errors and fails when the build fails.
bench_build() {
    dotnet build "${1:-Crowdstart.sln}" -c Release -nologo -v quiet -clp:ErrorsOnly >/tmp/crowdstart-bench-build.log \
        || { cat /tmp/crowdstart-bench-build.log; return 1; }
}

# bench_app_start PORT LOG [NAME=value...]: starts the Release app on DB, listening on PORT (demo off, warnings
# only, extra settings as environment overrides), sets APP_PID and an EXIT trap that stops it, and waits until
# it serves.
bench_app_start() {
    local port=$1 log=$2
    shift 2
    env ConnectionStrings__Crowdstart="$DB" Urls="http://127.0.0.1:$port" Demo__Enabled=false Logging__LogLevel__Default=Warning "$@" \
        dotnet Crowdstart.Dashboard/bin/Release/net10.0/Crowdstart.Dashboard.dll >"$log" 2>&1 &
    APP_PID=$!
    trap 'kill $APP_PID 2>/dev/null || true' EXIT
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$port/openapi/v1.json" >/dev/null && return 0
        sleep 0.5
    done
    echo "the app did not start; see $log" >&2
    return 1
}

# bench_machine: the line every benchmark ends with, so figures can be told apart in docs/benchmarks.md.
bench_machine() {
    echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, PostgreSQL $(postgres --version | awk '{print $3}'); $(date -u +%F)"
}
