#!/usr/bin/env bash
# Shared by the benchmark scripts that drive the app over HTTP (source after scripts/pg.sh, from the repo root).

# bench_build: Release build of everything; prints the errors and fails when the build fails.
bench_build() {
    dotnet build Crowdstart.sln -c Release -nologo -v quiet -clp:ErrorsOnly >/tmp/crowdstart-bench-build.log \
        || { cat /tmp/crowdstart-bench-build.log; return 1; }
}

# bench_app_start DB PORT LOG [NAME=value...]: starts the Release app on DB, listening on PORT (demo off, warnings
# only, extra settings as environment overrides), sets APP_PID and an EXIT trap that stops it, and waits until
# it serves.
bench_app_start() {
    local db=$1 port=$2 log=$3
    shift 3
    env ConnectionStrings__Crowdstart="$db" Urls="http://127.0.0.1:$port" Demo__Enabled=false Logging__LogLevel__Default=Warning "$@" \
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
