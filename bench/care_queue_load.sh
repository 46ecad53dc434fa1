#!/usr/bin/env bash
# Benchmark: the victim-care triage queue page (`/care`) under load, on SQLite and then on
# PostgreSQL. For each backend: ROWS synthetic reports (generated once, seed 1) are loaded
# into a fresh database, `beacon care triage --to <the data's last day>` scores the 90
# days of reports of people up to it into the queue (the number of cases, by level, is
# printed), a vulnerability officer account is created, `beacon serve` is started on
# loopback and signed in to with curl (sign-in form, anti-forgery token, session cookie),
# then for each of three pages of the queue
#   - GET /care             (page 1: the 25 highest cases, and the count of open cases),
#   - GET /care?page=200    (a deep page: cases 4,976 to 5,000),
#   - GET /care?level=4     (filtered: face-to-face cases only, page 1),
# the cold first request is timed with curl (and its page checked: 200, "Cases … of …"),
# then 32 concurrent clients for BENCH_LOAD_SECONDS (wrk -t2 -c32) give requests/s, p50
# and p99. Every read of the queue writes one audit event first (victim-level data), so
# each request is a write as well as two reads; the script counts the `view_care_queue`
# audit events afterwards and prints them beside the requests wrk saw. Any answer other
# than 200 (including a redirect to /sign-in) and any socket error or timeout counts as
# an error (bench/dashboard_load.lua counts them). The server's peak RSS (VmHWM) is read
# before it is stopped.
#
# Target: p99 < 50 ms with 32 clients on every page, and no errors. Exits non-zero when a
# backend cannot be set up or signed in to, not on a missed target.
#
# Every wrk run is bounded by its own duration (-d) and wrapped in `timeout`, so a wedged
# run ends with an error instead of hanging (as in bench/dashboard_load.sh).
#
# Usage: bench/care_queue_load.sh [ROWS]
#   ROWS  reports to generate and load (default 1000000)
# Environment:
#   BENCH_ONLY             all (default), sqlite or postgres: run one backend only
#   BEACON_BENCH_POSTGRES  admin URL of a PostgreSQL server (default
#                          postgres://postgres@127.0.0.1:5432/postgres; "skip" to skip)
#   BENCH_PG_DATABASE      the database created there and dropped at the end
#                          (default beacon_bench_care; dropped first if it exists)
#   BENCH_LOAD_SECONDS     length of each 32-client run (default 20)
#   BENCH_CLIENTS          concurrent clients (default 32)
#   BENCH_DEEP_PAGE        the deep page's number (default 200)
#   BEACON_BIN             a beacon binary to use instead of building target/release/beacon
#   TMPDIR                 where the CSV and the SQLite database go (removed at the end)
set -euo pipefail

ROWS="${1:-1000000}"
ONLY="${BENCH_ONLY:-all}"
PG_ADMIN="${BEACON_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="${BENCH_PG_DATABASE:-beacon_bench_care}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-20}"
CLIENTS="${BENCH_CLIENTS:-32}"
DEEP_PAGE="${BENCH_DEEP_PAGE:-200}"
TARGET_MS=50
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LUA="$ROOT/bench/dashboard_load.lua"
case "$ROWS$LOAD_SECONDS$CLIENTS$DEEP_PAGE" in *[!0-9]*|"") echo "ROWS, BENCH_LOAD_SECONDS, BENCH_CLIENTS and BENCH_DEEP_PAGE must be whole numbers" >&2; exit 2;; esac
case "$ONLY" in all|sqlite|postgres) ;; *) echo "BENCH_ONLY must be all, sqlite or postgres" >&2; exit 2;; esac
case "$PG_DB" in *[!a-z0-9_]*|"") echo "BENCH_PG_DATABASE must be a plain lower-case name" >&2; exit 2;; esac
PAGES=("/care" "/care?page=$DEEP_PAGE" "/care?level=4")

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }; }
need curl curl
need wrk wrk
need python3 python3

if [ -n "${BEACON_BIN:-}" ]; then
    BEACON="$BEACON_BIN"
else
    echo "Building beacon (release)…" >&2
    cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p beacon
    BEACON="${CARGO_TARGET_DIR:-$ROOT/target}/release/beacon"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/beacon-care-bench.XXXXXX")"
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
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$@"; }

echo "Generating $ROWS synthetic reports (seed 1)…" >&2
"$BEACON" demo generate --rows "$ROWS" --seed 1 --out "$TMP/reports.csv" >/dev/null
# The data's last day: the queue is scored as of it (the demo's reports end in the past).
LAST_DAY=$(python3 - "$TMP/reports.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    column = next(i for i, name in enumerate(header) if name.strip().lower() in ("reported_on", "date_reported", "reported_date", "report_date"))
    print(max(row[column][:10] for row in rows if row[column]))
PY
)
echo "The data's last day: $LAST_DAY" >&2
PASSWORD="bench-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"

ROWS_OUT=()   # one table row per backend and page
VERDICTS=()
NOTES=()

# One backend: load, triage, create the account, serve, sign in, measure, stop.
# $4 counts the audit events of queue reads (reads the database with the server stopped).
run_backend() {
    NAME="$1"; local db="$2" tag="$3" audits="$4"
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    echo "== $NAME (load average $load)" >&2

    local start end
    start=$(now_ms)
    "$BEACON" --database "$db" ingest reports "$TMP/reports.csv" --json >"$TMP/ingest-$tag.json"
    end=$(now_ms)
    echo "$NAME: ingest took $((end - start)) ms: $(tr -d '\n' <"$TMP/ingest-$tag.json")" >&2
    start=$(now_ms)
    "$BEACON" --database "$db" care triage --to "$LAST_DAY" --json >"$TMP/triage-$tag.json"
    end=$(now_ms)
    local queued by_level
    queued=$(json "$TMP/triage-$tag.json" 'd["triage"]["queued"]')
    by_level=$(json "$TMP/triage-$tag.json" '" / ".join(f"{n:,}" for n in d["triage"]["by_level"])')
    echo "$NAME: triage to $LAST_DAY took $((end - start)) ms: $queued cases in the queue (levels 1 / 2 / 3 / 4: $by_level), from $(json "$TMP/triage-$tag.json" 'd["triage"]["reports_read"]') reports read" >&2
    printf '%s\n' "$PASSWORD" |
        "$BEACON" --database "$db" admin create-user bench --role vulnerability_officer --password-stdin >/dev/null

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
    # the session cookie from the POST's redirect (not followed: the queue stays cold).
    local jar="$TMP/cookies-$tag.txt" csrf code session
    curl -fsS -c "$jar" -o "$TMP/sign-in.html" "$base/sign-in"
    csrf=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' "$TMP/sign-in.html" | head -1)
    [ -n "$csrf" ] || fail "no csrf_token in the sign-in form"
    code=$(curl -sS -b "$jar" -c "$jar" -o "$TMP/sign-in-answer.html" -w '%{http_code}' \
        --data-urlencode "username=bench" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf_token=$csrf" "$base/sign-in")
    session=$(awk -F'\t' '$6 == "beacon_session" { print $7 }' "$jar")
    [ "$code" = 303 ] && [ -n "$session" ] || fail "sign-in failed: HTTP $code, session cookie '${session}'"

    local path requests=0 worst=0 errors_all=0
    for path in "${PAGES[@]}"; do
        # The cold first request, and a check that it is the queue's page with cases.
        local cold cold_ms caption
        cold=$(curl -sS -o "$TMP/care.html" -w '%{http_code} %{time_total}' \
            -H "Cookie: beacon_session=$session" "$base$path")
        code=${cold% *}
        cold_ms=$(awk -v s="${cold#* }" 'BEGIN { printf "%.0f", s * 1000 }')
        [ "$code" = 200 ] || fail "GET $path with the session answered HTTP $code"
        caption=$(grep -o 'Cases [0-9,]* to [0-9,]* of [0-9,]*' "$TMP/care.html" | head -1 || true)
        [ -n "$caption" ] || fail "GET $path is not a page of the triage queue with cases"
        echo "$NAME: cold first GET $path $cold_ms ms, $(stat -c %s "$TMP/care.html") bytes: $caption" >&2

        # Under load: CLIENTS connections over two threads for LOAD_SECONDS. wrk ends the
        # run itself at -d; `timeout` only guards against a wedged wrk.
        local loaded="$TMP/wrk-$tag-${#ROWS_OUT[@]}.txt"
        timeout -k 10 "$((LOAD_SECONDS + 60))" \
            wrk -t2 -c"$CLIENTS" -d"${LOAD_SECONDS}s" --timeout 10s --latency -s "$LUA" \
            -H "Cookie: beacon_session=$session" "$base$path" >"$loaded" ||
            fail "the $CLIENTS-client wrk run on $path failed or did not end in time (exit $?)"
        sed "s|^|  $path: |" "$loaded" | grep -v ' BENCH ' >&2

        local n us p50 p99 bad sock rps errors
        n=$(bench "$loaded" requests); us=$(bench "$loaded" duration_us)
        p50=$(bench "$loaded" p50_us); p99=$(bench "$loaded" p99_us)
        bad=$(bench "$loaded" non200); sock=$(bench "$loaded" socket_errors)
        [ -n "$n" ] || fail "wrk printed no figures for $path (see above)"
        rps=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", n * 1e6 / us }')
        errors=$((bad + sock))
        requests=$((requests + n + 1))
        errors_all=$((errors_all + errors))
        [ "$p99" -le "$worst" ] || worst=$p99
        ROWS_OUT+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
            "$NAME" "\`$path\`" "$caption" "$cold_ms" "$rps" "$(ms "$p50")" "$(ms "$p99")" \
            "$errors" "$n")")
        local verdict="met"
        if [ "$p99" -ge $((TARGET_MS * 1000)) ] || [ "$errors" -ne 0 ]; then verdict="NOT met"; fi
        VERDICTS+=("$NAME $path: target (p99 < $TARGET_MS ms with $CLIENTS clients, no errors) $verdict: p99 $(ms "$p99") ms over $n requests; $bad answers other than 200, $sock socket errors/timeouts")
    done

    local hwm; hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    stop_server
    if [ "$SERVER_EXIT" != 0 ]; then
        local why; why=$(grep -m1 -A1 "panicked at" "$log" | tail -1 | cut -c1-160 || true)
        NOTES+=("$NAME: the server did not stop cleanly on Ctrl-C (SIGINT): exit status $SERVER_EXIT${why:+; it panicked: $why}")
    fi
    local audited; audited=$("$audits")
    NOTES+=("$NAME: $queued cases in the queue (levels 1 / 2 / 3 / 4: $by_level) over 90 days to $LAST_DAY; $audited view_care_queue audit events written for the $requests queue requests sent (wrk counts the requests completed, not those cut off at the end of a run); server peak RSS $((hwm / 1024)) MiB; load average at start $load")
}

sqlite_audits() {
    python3 - "$TMP/beacon.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT COUNT(*) FROM audit_events WHERE action = 'view_care_queue'").fetchone()[0])
PY
}
postgres_audits() {
    psql "${PG_ADMIN%/*}/$PG_DB" -qAtc "SELECT COUNT(*) FROM audit_events WHERE action = 'view_care_queue'"
}

if [ "$ONLY" != postgres ]; then
    run_backend SQLite "$TMP/beacon.db" sqlite sqlite_audits
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
        run_backend PostgreSQL "${PG_ADMIN%/*}/$PG_DB" postgres postgres_audits
    fi
fi

echo
echo "### Victim-care queue under load: $ROWS reports, $CLIENTS clients for $LOAD_SECONDS s a page ($(nproc) cores, loopback)"
echo
echo "| backend | page | what it shows | cold first request ms | $CLIENTS-client req/s | p50 ms | p99 ms | errors | requests |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
for row in "${ROWS_OUT[@]}"; do echo "$row"; done
echo
for line in "${VERDICTS[@]}"; do echo "$line"; done
for line in "${NOTES[@]}"; do echo "note: $line"; done
