#!/usr/bin/env bash
# Benchmark: the public front door's submit under load, on SQLite and then on PostgreSQL.
# The submit is the final consent POST (`POST /report/done` with consent=yes): it checks
# the form's signed token and every answer again, stores the report (one transaction),
# reads the advice that suits it and renders the result page with the reference and the
# Action Fraud summary. For each backend: a fresh database with the shipped advice
# library loaded, `beacon serve` on loopback with a config setting
# `front_door_min_seconds = 0` (the time check would refuse a form sent at once) and
# `front_door_reports_per_address` far above what a run sends (every request comes from
# 127.0.0.1), then
#   - one report is walked through by hand with curl (token from the start page, submit,
#     the same form sent again): the second answer must show the same reference and the
#     store must still hold one report, so a token stores once;
#   - POOL form tokens are fetched from the start page (`GET /report`, one curl on one
#     connection) before the run, deduplicated (a token is its issue second and a 20-bit
#     nonce, signed, so two issued in the same second can be equal);
#   - 32 concurrent clients for BENCH_LOAD_SECONDS (wrk -t2 -c32) each send the consent
#     POST with the next unused token (bench/front_door_load.lua), giving requests/s,
#     p50 and p99 of the submit alone (the start page is not in the figures);
#   - after the server stops, `beacon front-door counts --json` must hold one report more
#     than the hand-made one for each "Report complete" answer the run counted.
# Any answer other than 200, any socket error or timeout, any token used twice (the pool
# ran out: make POOL larger) and any difference between the answers counted and the
# reports stored counts as an error. The server's peak RSS (VmHWM) is read before it is
# stopped.
#
# Target: submit p99 < 50 ms with 32 clients and no errors. Exits non-zero when a backend
# cannot be set up or a hand-made report is not stored once, not on a missed target.
#
# Every wrk run is bounded by its own duration (-d) and wrapped in `timeout`, so a wedged
# run ends with an error instead of hanging (as in bench/dashboard_load.sh).
#
# Usage: bench/front_door_load.sh [POOL]
#   POOL  form tokens to fetch before each backend's run (default 200000; more than a run
#         of BENCH_LOAD_SECONDS can use)
# Environment:
#   BENCH_ONLY             all (default), sqlite or postgres: run one backend only
#   BEACON_BENCH_POSTGRES  admin URL of a PostgreSQL server (default
#                          postgres://postgres@127.0.0.1:5432/postgres; "skip" to skip)
#   BENCH_PG_DATABASE      the database created there and dropped at the end
#                          (default beacon_bench_front_door; dropped first if it exists)
#   BENCH_LOAD_SECONDS     length of the 32-client run (default 20)
#   BENCH_CLIENTS          concurrent clients (default 32)
#   BEACON_BIN             a beacon binary to use instead of building target/release/beacon
#   TMPDIR                 where the token pool and the SQLite database go (removed at the end)
set -euo pipefail

POOL="${1:-200000}"
ONLY="${BENCH_ONLY:-all}"
PG_ADMIN="${BEACON_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_DB="${BENCH_PG_DATABASE:-beacon_bench_front_door}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-20}"
CLIENTS="${BENCH_CLIENTS:-32}"
THREADS=2
TARGET_MS=50
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LUA="$ROOT/bench/front_door_load.lua"
case "$POOL$LOAD_SECONDS$CLIENTS" in *[!0-9]*|"") echo "POOL, BENCH_LOAD_SECONDS and BENCH_CLIENTS must be whole numbers" >&2; exit 2;; esac
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
    BEACON="${CARGO_TARGET_DIR:-$ROOT/target}/release/beacon"
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/beacon-front-door-bench.XXXXXX")"
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
# Beacon reads ./beacon.toml when it exists: run it where there is none (the config is
# given with --config).
cd "$TMP"

now_ms() { date +%s%3N; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
bench() { awk -v k="$2" '$1 == "BENCH" && $2 == k { print $3 }' "$1"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
fail() { echo "ERROR ($NAME): $*" >&2; exit 1; }
token_of() { sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' "$1" | head -1; }
reference_of() { grep -o 'LR-[A-Z0-9]\{8\}' "$1" | head -1 || true; }

cat >"$TMP/bench.toml" <<TOML
# bench/front_door_load.sh: no time check, and no rate limit a run can reach.
front_door_min_seconds = 0
front_door_reports_per_address = 1000000000
front_door_window_minutes = 10
TOML

# The answers of a resident's report (a district of the shipped area), as the consent
# page's form sends them (the honeypot left empty); the token is added per request.
python3 - >"$TMP/answers.txt" <<'PY'
from urllib.parse import urlencode
print(urlencode([
    ("from", "consent"), ("reporter", "resident"), ("what", "impersonation"),
    ("when-day", "1"), ("when-month", "12"), ("when-year", "2025"),
    ("lost", "yes"), ("amount", "1250.50"), ("contact", "phone_call"),
    ("place", "E07000129"),
    ("description", "SYNTHETIC benchmark report: a caller said he was from the bank"),
    ("website", ""), ("consent", "yes"),
]))
PY

ROWS_OUT=()   # one table row per backend
VERDICTS=()
NOTES=()

# One backend: advice library, serve, one report by hand, the token pool, measure, stop,
# count.
run_backend() {
    NAME="$1"; local db="$2" tag="$3"
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    echo "== $NAME (load average $load)" >&2
    "$BEACON" --database "$db" advice load >/dev/null

    local port base log="$TMP/server-$tag.log"
    port=$(free_port); base="http://127.0.0.1:$port"
    "$BEACON" --database "$db" --config "$TMP/bench.toml" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
    SERVER_PID=$!
    local start; start=$(now_ms)
    until curl -fsS -o /dev/null --max-time 2 "$base/healthz" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$log" >&2; fail "the server exited"; }
        [ $(( $(now_ms) - start )) -lt 120000 ] || { tail -20 "$log" >&2; fail "no /healthz after 120 s"; }
        sleep 0.2
    done
    echo "$NAME: serving on $base after $(( $(now_ms) - start )) ms" >&2

    # One report by hand, sent twice: stored once, the same reference both times.
    local token code first second
    curl -fsS -o "$TMP/start.html" "$base/report"
    token=$(token_of "$TMP/start.html")
    [ -n "$token" ] || fail "no token in the start page's form"
    code=$(curl -sS -o "$TMP/done-1.html" -w '%{http_code}' \
        --data "$(cat "$TMP/answers.txt")" --data-urlencode "token=$token" "$base/report/done")
    first=$(reference_of "$TMP/done-1.html")
    [ "$code" = 200 ] && grep -q "Report complete" "$TMP/done-1.html" && [ -n "$first" ] ||
        fail "the consent POST answered HTTP $code without a reference: $(grep -o '<title>[^<]*' "$TMP/done-1.html" | head -1)"
    code=$(curl -sS -o "$TMP/done-2.html" -w '%{http_code}' \
        --data "$(cat "$TMP/answers.txt")" --data-urlencode "token=$token" "$base/report/done")
    second=$(reference_of "$TMP/done-2.html")
    [ "$code" = 200 ] && [ "$second" = "$first" ] ||
        fail "the same form sent again answered HTTP $code with reference '$second', not $first"
    echo "$NAME: a report by hand stored as $first, the same form sent again showed $second" >&2

    # The token pool: POOL start pages on one connection, each form's token kept once.
    local pool="$TMP/tokens-$tag.txt" fetched unique
    python3 -c 'import sys; u = sys.argv[1]; n = int(sys.argv[2]); sys.stdout.write(("url = \"%s\"\n" % u) * n)' \
        "$base/report" "$POOL" >"$TMP/urls-$tag.cfg"
    start=$(now_ms)
    curl -sS -K "$TMP/urls-$tag.cfg" |
        sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' >"$TMP/raw-tokens-$tag.txt"
    fetched=$(wc -l <"$TMP/raw-tokens-$tag.txt")
    python3 - "$TMP/raw-tokens-$tag.txt" >"$pool" <<'PY'
import sys
from urllib.parse import quote
seen = set()
for line in open(sys.argv[1]):
    token = line.strip()
    if token and token not in seen:
        seen.add(token)
        print(quote(token, safe=""))
PY
    unique=$(wc -l <"$pool")
    echo "$NAME: fetched $fetched form tokens in $(( $(now_ms) - start )) ms, $unique of them distinct" >&2
    [ "$unique" -gt 0 ] || fail "no form tokens fetched"

    # Under load: CLIENTS connections over THREADS threads for LOAD_SECONDS, each request
    # a consent POST with a token of its own.
    local loaded="$TMP/wrk-$tag.txt"
    timeout -k 10 "$((LOAD_SECONDS + 60))" \
        wrk -t"$THREADS" -c"$CLIENTS" -d"${LOAD_SECONDS}s" --timeout 10s --latency -s "$LUA" \
        "$base/report/done" -- "$pool" "$THREADS" "$TMP/answers.txt" >"$loaded" ||
        fail "the $CLIENTS-client wrk run failed or did not end in time (exit $?)"
    sed 's/^/  load: /' "$loaded" | grep -v ' BENCH ' >&2

    local hwm; hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
    stop_server
    if [ "$SERVER_EXIT" != 0 ]; then
        local why; why=$(grep -m1 -A1 "panicked at" "$log" | tail -1 | cut -c1-160 || true)
        NOTES+=("$NAME: the server did not stop cleanly on Ctrl-C (SIGINT): exit status $SERVER_EXIT${why:+; it panicked: $why}")
    fi
    "$BEACON" --database "$db" front-door counts --json >"$TMP/counts-$tag.json"
    local stored
    stored=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"])' "$TMP/counts-$tag.json")

    local n us p50 p99 bad sock complete fresh reused rps errors missing
    n=$(bench "$loaded" requests); us=$(bench "$loaded" duration_us)
    p50=$(bench "$loaded" p50_us); p99=$(bench "$loaded" p99_us)
    bad=$(bench "$loaded" non200); sock=$(bench "$loaded" socket_errors)
    complete=$(bench "$loaded" complete); fresh=$(bench "$loaded" fresh); reused=$(bench "$loaded" reused)
    [ -n "$n" ] && [ -n "$complete" ] || fail "wrk printed no figures (see above)"
    rps=$(awk -v n="$n" -v us="$us" 'BEGIN { printf "%.0f", n * 1e6 / us }')
    # Stored beyond the hand-made report, against the "Report complete" answers counted
    # (requests still in flight when wrk stops may be stored without being counted).
    missing=$(( stored - 1 - complete ))
    local mismatch=0
    if [ "$missing" -lt 0 ] || [ "$missing" -gt "$CLIENTS" ]; then mismatch=1; fi
    errors=$((bad + sock + reused + mismatch))
    ROWS_OUT+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |' \
        "$NAME" "$rps" "$(ms "$p50")" "$(ms "$p99")" "$errors" "$n" "$complete" "$((stored - 1))" "$((hwm / 1024))")")
    local verdict="met"
    if [ "$p99" -ge $((TARGET_MS * 1000)) ] || [ "$errors" -ne 0 ]; then verdict="NOT met"; fi
    VERDICTS+=("$NAME: target (submit p99 < $TARGET_MS ms with $CLIENTS clients, no errors) $verdict: p99 $(ms "$p99") ms over $n requests; $bad answers other than 200, $sock socket errors/timeouts, $reused tokens used twice (pool $unique, $fresh used fresh); $complete 'Report complete' answers, $((stored - 1)) reports stored by the run ($missing stored but not counted: in flight when wrk stopped); load average at start $load")
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
echo "### Front-door submit under load: $CLIENTS clients for $LOAD_SECONDS s, a fresh form token per request ($(nproc) cores, loopback)"
echo
echo "| backend | $CLIENTS-client req/s | p50 ms | p99 ms | errors | requests | 'Report complete' answers | reports stored | server peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${ROWS_OUT[@]}"; do echo "$row"; done
echo
for line in "${VERDICTS[@]}"; do echo "$line"; done
for line in "${NOTES[@]}"; do echo "note: $line"; done
