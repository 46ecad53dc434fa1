#!/usr/bin/env bash
# Benchmark: the web dashboard under load, on SQLite and then on PostgreSQL. For each
# backend: ROWS synthetic reports (generated once, seed 1) are loaded into a fresh
# database, a coordinator account is created, `beacon serve` is started on loopback and
# signed in to with curl (sign-in form, anti-forgery token, session cookie), then
#   - the cold first GET /dashboard (default period: the last complete quarter in the
#     data) is timed with curl, and its page checked (200, "Dashboard"/"Headlines"),
#   - sequential requests on one connection for SERIAL_SECONDS (wrk -t1 -c1) give the
#     serial median and p99,
#   - 32 concurrent clients for BENCH_LOAD_SECONDS (wrk -t2 -c32) give requests/s,
#     p50 and p99,
# and the server's peak RSS (VmHWM) is read before it is stopped. Any answer other than
# 200 (including a redirect to /sign-in, which wrk itself would count as a success) and
# any socket error or timeout counts as an error (bench/dashboard_load.lua counts them).
#
# Target: dashboard p99 < 100 ms (serially and with 32 clients) and no errors. Exits
# non-zero when a backend cannot be set up or signed in to, not on a missed target.
#
# Every wrk run is bounded by its own duration (-d) and nothing else: the script never
# stops wrk early from inside (an early stop raced wrk's main thread and could leave the
# serial run waiting out a long -d, or kill wrk before it printed), and each run is also
# wrapped in `timeout`, so a wedged run ends with an error instead of hanging.
#
# Usage: bench/dashboard_load.sh [ROWS] [SERIAL_SECONDS]
#   ROWS            reports to generate and load (default 1000000)
#   SERIAL_SECONDS  length of the one-connection serial run (default 20)
# Environment:
#   BENCH_ONLY             all (default), sqlite or postgres: run one backend only
#   BEACON_BENCH_POSTGRES  admin URL of a PostgreSQL server (default
#                          postgres://postgres@127.0.0.1:5432/postgres; "skip" to skip)
#   BENCH_PG_DATABASE      the database created there and dropped at the end
#                          (default beacon_bench_web; dropped first if it exists)
#   BENCH_LOAD_SECONDS     length of the 32-client run (default 20)
#   BENCH_CLIENTS          concurrent clients (default 32)
#   BEACON_BIN             a beacon binary to use instead of building target/release/beacon
#   TMPDIR                 where the CSV and the SQLite database go (removed at the end)
set -euo pipefail

ROWS="${1:-1000000}"
SERIAL_SECONDS="${2:-20}"
ONLY="${BENCH_ONLY:-all}"
PG_ADMIN="${BEACON_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="${BENCH_PG_DATABASE:-beacon_bench_web}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-20}"
CLIENTS="${BENCH_CLIENTS:-32}"
TARGET_MS=100
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LUA="$ROOT/bench/dashboard_load.lua"
case "$SERIAL_SECONDS$LOAD_SECONDS" in *[!0-9]*|"") echo "SERIAL_SECONDS and BENCH_LOAD_SECONDS must be whole seconds" >&2; exit 2;; esac
case "$ONLY" in all|sqlite|postgres) ;; *) echo "BENCH_ONLY must be all, sqlite or postgres" >&2; exit 2;; esac
case "$PG_DB" in *[!a-z0-9_]*|"") echo "BENCH_PG_DATABASE must be a plain lower-case name" >&2; exit 2;; esac

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }; }
need curl curl
need wrk wrk
need python3 python3

if [ -n "${BEACON_BIN:-}" ]; then
    BEACON="$BEACON_BIN"
else
    echo "Building beacon (release)…" >&2
    cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p beacon
    BEACON="$ROOT/target/release/beacon"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/beacon-dashboard-bench.XXXXXX")"
SERVER_PID=""
PG_CREATED=0
SERVER_EXIT=0
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -INT "$SERVER_PID" 2>/dev/null || true      # graceful shutdown on Ctrl-C
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    SERVER_EXIT=0
    wait "$SERVER_PID" 2>/dev/null || SERVER_EXIT=$?
    SERVER_PID=""
}
cleanup() {
    stop_server
    if [ "$PG_CREATED" = 1 ]; then
        psql "$PG_ADMIN" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 ||
            echo "note: could not drop the PostgreSQL database $PG_DB" >&2
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# Beacon reads ./beacon.toml when it exists: run it where there is none.
cd "$TMP"

now_ms() { date +%s%3N; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
bench() { awk -v k="$2" '$1 == "BENCH" && $2 == k { print $3 }' "$1"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { echo "ERROR ($NAME): $*" >&2; exit 1; }

echo "Generating $ROWS synthetic reports (seed 1)…" >&2
"$BEACON" demo generate --rows "$ROWS" --seed 1 --out "$TMP/reports.csv" >/dev/null
PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

ROWS_OUT=()   # one table row per backend
VERDICTS=()
NOTES=()

# One backend: load, create the account, serve, sign in, measure, stop.
run_backend() {
    NAME="$1"; local db="$2" tag="$3"
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    echo "== $NAME (load average $load)" >&2

    local start end
    start=$(now_ms)
    "$BEACON" --database "$db" ingest reports "$TMP/reports.csv" --json >"$TMP/ingest-$tag.json"
    end=$(now_ms)
    echo "$NAME: ingest took $((end - start)) ms: $(tr -d '\n' <"$TMP/ingest-$tag.json")" >&2
    printf '%s\n' "$PASSWORD" |
        "$BEACON" --database "$db" admin create-user bench --role coordinator --password-stdin >/dev/null

    local port base log="$TMP/server-$tag.log"
    port=$(free_port); base="http://127.0.0.1:$port"
    "$BEACON" --database "$db" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
    SERVER_PID=$!
    start=$(now_ms)
    until curl -fsS -o /dev/null --max-time 2 "$base/healthz" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$log" >&2; fail "the server exited"; }
        [ $(( $(now_ms) - start )) -lt 120000 ] || { tail -20 "$log" >&2; fail "no /healthz after 120 s"; }
        sleep 0.2
    done
    echo "$NAME: serving on $base after $(( $(now_ms) - start )) ms" >&2

    # Sign in: the form's hidden token (its twin is in the beacon_sign_in cookie), then
    # the session cookie from the POST's redirect (not followed: the dashboard stays cold).
    local jar="$TMP/cookies-$tag.txt" csrf code session
    curl -fsS -c "$jar" -o "$TMP/sign-in.html" "$base/sign-in"
    csrf=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$TMP/sign-in.html" | head -1)
    [ -n "$csrf" ] || fail "no csrf_token in the sign-in form"
    code=$(curl -sS -b "$jar" -c "$jar" -o "$TMP/sign-in-answer.html" -w '%{http_code}' \
        --data-urlencode "username=bench" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf_token=$csrf" "$base/sign-in")
    session=$(awk -F'\t' '$6 == "beacon_session" { print $7 }' "$jar")
    [ "$code" = 303 ] && [ -n "$session" ] || fail "sign-in failed: HTTP $code, session cookie '${session}'"

    # The cold first request (it also warms the server), and a check that the session works.
    local cold cold_ms
    cold=$(curl -sS -o "$TMP/dashboard.html" -w '%{http_code} %{time_total}' \
        -H "Cookie: beacon_session=$session" "$base/dashboard")
    code=${cold% *}
    cold_ms=$(awk -v s="${cold#* }" 'BEGIN { printf "%.0f", s * 1000 }')
    [ "$code" = 200 ] || fail "GET /dashboard with the session answered HTTP $code"
    grep -qE 'Dashboard|Headlines' "$TMP/dashboard.html" || fail "GET /dashboard is not the dashboard page"
    echo "$NAME: cold first GET /dashboard $cold_ms ms, $(stat -c %s "$TMP/dashboard.html") bytes" >&2

    # Serial: one connection for SERIAL_SECONDS. wrk ends the run itself at -d; `timeout`
    # (the run's length plus a minute, then SIGKILL 10 s later) only guards against a
    # wedged wrk, whose missing figures then fail the backend below.
    local serial="$TMP/wrk-serial-$tag.txt" loaded="$TMP/wrk-load-$tag.txt"
    timeout -k 10 "$((SERIAL_SECONDS + 60))" \
        wrk -t1 -c1 -d"${SERIAL_SECONDS}s" --timeout 30s --latency -s "$LUA" \
        -H "Cookie: beacon_session=$session" "$base/dashboard" >"$serial" ||
        fail "the serial wrk run failed or did not end in time (exit $?)"
    sed 's/^/  serial: /' "$serial" | grep -v ' BENCH ' >&2
    # Under load: CLIENTS connections over two threads for LOAD_SECONDS.
    timeout -k 10 "$((LOAD_SECONDS + 60))" \
        wrk -t2 -c"$CLIENTS" -d"${LOAD_SECONDS}s" --timeout 10s --latency -s "$LUA" \
        -H "Cookie: beacon_session=$session" "$base/dashboard" >"$loaded" ||
        fail "the $CLIENTS-client wrk run failed or did not end in time (exit $?)"
    sed 's/^/  load: /' "$loaded" | grep -v ' BENCH ' >&2

    local hwm; hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    stop_server
    if [ "$SERVER_EXIT" != 0 ]; then
        local why; why=$(grep -m1 -A1 "panicked at" "$log" | tail -1 | cut -c1-160 || true)
        NOTES+=("$NAME: the server did not stop cleanly on Ctrl-C (SIGINT): exit status $SERVER_EXIT${why:+; it panicked: $why}")
    fi

    local s_n s_p50 s_p99 s_bad s_sock l_n l_us l_p50 l_p99 l_bad l_sock rps errors
    s_n=$(bench "$serial" requests); s_p50=$(bench "$serial" p50_us); s_p99=$(bench "$serial" p99_us)
    s_bad=$(bench "$serial" non200); s_sock=$(bench "$serial" socket_errors)
    l_n=$(bench "$loaded" requests); l_us=$(bench "$loaded" duration_us)
    l_p50=$(bench "$loaded" p50_us); l_p99=$(bench "$loaded" p99_us)
    l_bad=$(bench "$loaded" non200); l_sock=$(bench "$loaded" socket_errors)
    [ -n "$s_n" ] && [ -n "$l_n" ] || fail "wrk printed no figures (see above)"
    rps=$(awk -v n="$l_n" -v us="$l_us" 'BEGIN { printf "%.0f", n * 1e6 / us }')
    errors=$((s_bad + s_sock + l_bad + l_sock))
    ROWS_OUT+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
        "$NAME" "$ROWS" "$cold_ms" "$(ms "$s_p50")" "$(ms "$s_p99")" "$rps" "$(ms "$l_p50")" \
        "$(ms "$l_p99")" "$errors" "$((hwm / 1024))")")
    local verdict="met"
    if [ "$s_p99" -ge $((TARGET_MS * 1000)) ] || [ "$l_p99" -ge $((TARGET_MS * 1000)) ] || [ "$errors" -ne 0 ]; then
        verdict="NOT met"
    fi
    VERDICTS+=("$NAME: target (dashboard p99 < $TARGET_MS ms serially and with $CLIENTS clients, no errors) $verdict: serial p99 $(ms "$s_p99") ms over $s_n requests, $CLIENTS-client p99 $(ms "$l_p99") ms over $l_n requests; errors: $s_bad + $l_bad answers other than 200, $s_sock + $l_sock socket errors/timeouts (serial + load); load average at start $load")
}

if [ "$ONLY" != postgres ]; then
    run_backend SQLite "$TMP/beacon.db" sqlite
fi
if [ "$ONLY" != sqlite ]; then
    if [ "$PG_ADMIN" = skip ]; then
        VERDICTS+=("PostgreSQL: skipped (BEACON_BENCH_POSTGRES=skip)")
    elif ! command -v psql >/dev/null || ! psql "$PG_ADMIN" -qAtc "SELECT 1" >/dev/null 2>&1; then
        VERDICTS+=("PostgreSQL: skipped (no psql, or $PG_ADMIN not reachable)")
    else
        NAME=PostgreSQL
        PGOPTIONS="-c client_min_messages=warning" psql "$PG_ADMIN" -qAtc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
        psql "$PG_ADMIN" -qAtc "CREATE DATABASE $PG_DB" >/dev/null
        PG_CREATED=1
        run_backend PostgreSQL "${PG_ADMIN%/*}/$PG_DB" postgres
    fi
fi

echo
echo "### Dashboard under load: $ROWS reports, one connection for $SERIAL_SECONDS s, $CLIENTS clients for $LOAD_SECONDS s ($(nproc) cores, loopback)"
echo
echo "| backend | rows | cold first request ms | serial median ms | serial p99 ms | $CLIENTS-client req/s | $CLIENTS-client p50 ms | $CLIENTS-client p99 ms | errors | server peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${ROWS_OUT[@]}"; do echo "$row"; done
echo
for line in "${VERDICTS[@]}"; do echo "$line"; done
for line in "${NOTES[@]}"; do echo "note: $line"; done
