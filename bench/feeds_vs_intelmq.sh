#!/usr/bin/env bash
# Benchmark: Beacon's feed pipeline (parse → deduplicate → attribute → classify → store in
# SQLite) against IntelMQ 3.5 doing the same with six bots on Redis (file collector →
# Shadowserver parser → deduplicator → sieve expert with the owner ranges → taxonomy
# expert → file output), on synthetic Shadowserver `event4_sinkhole_http` rows with 10%
# exact duplicates and a few hundred owner ranges (bench/feeds/generate.py, seeded).
# Also runs the attribution micro-benchmark (lookups against 100,000 ranges) and a
# flat-memory check (Beacon's peak RSS at N and at N/4).
#
# Targets: Beacon ≥ 500× IntelMQ's unique events/s end to end with durable storage, flat
# memory, ≥ 10 million attributions/s against 100,000 ranges. Exits non-zero on a
# correctness mismatch (counts that disagree with the generator's), not on a missed target.
#
# IntelMQ is not part of the project: it is installed from PyPI into a virtualenv in a
# cache folder on first use, and its configuration is written here at run time.
#
# Usage: bench/feeds_vs_intelmq.sh [N_BEACON] [N_INTELMQ] [RUNS]
#   N_BEACON   rows for Beacon (default 2000000)
#   N_INTELMQ  rows for IntelMQ (default 50000; the issue expected about 1,000 events/s,
#              but with 300 owner ranges on a shared 2-core machine it managed 100–220,
#              so 50,000 rows take 4–8 minutes: pass 20000 for a quicker run)
#   RUNS       Beacon runs, median reported (default 3); IntelMQ runs once
# Environment:
#   BENCH_ONLY      all (default), beacon or intelmq: run one half only
#   BEACON_BIN      a beacon binary to use instead of building target/release/beacon
#   BENCH_WORK      work folder (default ${TMPDIR:-/tmp}/beacon-feeds-bench; it must be
#                   readable by the user nobody, who runs the IntelMQ bots)
#   BENCH_CACHE     where the IntelMQ virtualenv is kept (default /var/tmp/beacon-bench;
#                   not under /root, which nobody cannot read)
#   INTELMQ_SCHEMA  Shadowserver report schema for IntelMQ's parser (default
#                   ../shared/bench-notes/intelmq/shadowserver-schema.json from the repo;
#                   else it is downloaded from Shadowserver, where IntelMQ's updater gets it)
#   INTELMQ_TIMEOUT seconds to wait for IntelMQ's output (default 1200)
#   INTELMQ_SIEVE   tree (default) or flat: the owner rules as a tree of address-space
#                   halves (about a dozen tests per event) or as one if/elif chain (up to
#                   one test per range: with 300 ranges the sieve expert becomes IntelMQ's
#                   bottleneck, at a few hundred events/s or less). The default is the
#                   faster IntelMQ, so the ratio is not flattered by a slow configuration.
#   REDIS_HOST, REDIS_PORT  Redis for IntelMQ (default 127.0.0.1:6379; databases 2 and 6
#                   are flushed)
set -euo pipefail

N_BEACON="${1:-2000000}"
N_INTELMQ="${2:-50000}"
RUNS="${3:-3}"
ONLY="${BENCH_ONLY:-all}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/beacon-feeds-bench}"
CACHE="${BENCH_CACHE:-/var/tmp/beacon-bench}"
SCHEMA_SRC="${INTELMQ_SCHEMA:-$ROOT/../shared/bench-notes/intelmq/shadowserver-schema.json}"
SCHEMA_URL="https://interchange.shadowserver.org/intelmq/v1/schema"   # what IntelMQ's own update fetches
TIMEOUT="${INTELMQ_TIMEOUT:-1200}"
SIEVE="${INTELMQ_SIEVE:-tree}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
GEN="$ROOT/bench/feeds/generate.py"
PY=/usr/bin/python3
case "$ONLY" in all|beacon|intelmq) ;; *) echo "BENCH_ONLY must be all, beacon or intelmq" >&2; exit 2;; esac
case "$SIEVE" in tree|flat) ;; *) echo "INTELMQ_SIEVE must be tree or flat" >&2; exit 2;; esac
mkdir -p "$WORK"; chmod 755 "$WORK"

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }; }
need /usr/bin/time time
median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now_ms() { date +%s%3N; }
json() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
fail=0
mismatch() { echo "MISMATCH: $*" >&2; fail=1; }

# Generates N rows into $WORK/data-N once (the generator is seeded: same N, same files),
# again if the generator has changed since.
dataset() {
    local n="$1" dir="$WORK/data-$1"
    if [ ! -s "$dir/expected.json" ] || [ "$GEN" -nt "$dir/expected.json" ]; then
        rm -rf "$dir"
        "$PY" "$GEN" "$n" "$dir"
    fi
    echo "$dir"
}

# --- Beacon --------------------------------------------------------------------------------
b_ms=""; b_rss=""; b_stored=""; b_read=""; rss_quarter=""; attr_rate=""; attr_lookups=""
if [ "$ONLY" != intelmq ]; then
    if [ -n "${BEACON_BIN:-}" ]; then
        BEACON="$BEACON_BIN"
    else
        echo "Building beacon (release)…" >&2
        cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p beacon
        BEACON="$ROOT/target/release/beacon"
    fi
    if ! "$BEACON" ingest feed --help >/dev/null 2>&1; then
        echo "This beacon has no 'ingest feed' command yet; run with BENCH_ONLY=intelmq" >&2
        exit 2
    fi

    # One run: fresh database, owners imported (not timed), feed ingested (timed).
    # Prints "ms peak_kib"; leaves the JSON summary in $WORK/ingest.json.
    beacon_run() {
        local dir="$1" db="$WORK/beacon-feeds.db"
        rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
        "$BEACON" --database "$db" org import "$dir/owners.csv" >/dev/null
        local start end
        start=$(now_ms)
        /usr/bin/time -v -o "$WORK/time.txt" "$BEACON" --database "$db" ingest feed \
            "$dir/event4_sinkhole_http.csv" --format shadowserver --json >"$WORK/ingest.json"
        end=$(now_ms)
        echo "$((end - start)) $(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")"
    }
    # Checks a run's JSON summary against the generator's expected.json.
    beacon_check() {
        "$PY" - "$WORK/ingest.json" "$1/expected.json" <<'PY' || fail=1
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
problems = []
def check(name, value, expected):
    if value != expected:
        problems.append(f"{name} = {value}, expected {expected}")
missing = [k for k in ("read", "events", "stored", "duplicates", "skipped", "rejected", "attributed") if k not in got]
if missing:
    problems.append(f"JSON summary lacks {missing}: {got}")
else:
    check("read", got["read"], want["rows"])
    check("stored", got["stored"], want["unique_rows"])
    check("duplicates", got["duplicates"], want["rows"] - want["unique_rows"])
    check("skipped + rejected", got["skipped"] + got["rejected"], 0)
    if got["attributed"] <= 0:
        problems.append("attributed = 0: no event was attributed to an owner")
    elif got["attributed"] not in (want["attributed_rows"], want["attributed_all_rows"]):
        print(f"note: attributed = {got['attributed']}; the generator put {want['attributed_rows']} unique rows "
              f"({want['attributed_all_rows']} rows with duplicates) in owner ranges", file=sys.stderr)
for p in problems:
    print("MISMATCH (beacon):", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
    }

    DIR_B=$(dataset "$N_BEACON")
    UNIQUE_B=$(json "$DIR_B/expected.json" unique_rows)
    b_load=$(cut -d' ' -f1 /proc/loadavg)
    times=(); rsses=()
    for i in $(seq "$RUNS"); do
        beacon_run "$DIR_B" >"$WORK/run.txt"; read -r ms kib <"$WORK/run.txt"
        echo "beacon run $i: $ms ms, peak RSS $((kib / 1024)) MiB: $(tr -d '\n' <"$WORK/ingest.json")" >&2
        beacon_check "$DIR_B"
        times+=("$ms"); rsses+=("$kib")
    done
    b_ms=$(printf '%s\n' "${times[@]}" | median)
    b_rss=$(printf '%s\n' "${rsses[@]}" | median)
    b_stored=$(json "$WORK/ingest.json" stored)
    b_read=$(json "$WORK/ingest.json" read)
    DB_SIZE=$(du -k "$WORK/beacon-feeds.db"* | awk '{s+=$1} END {print int(s/1024)}')
    # What is durably in the database after the last run, read back by sqlite3.
    need sqlite3 sqlite3
    if db_counts=$(sqlite3 "$WORK/beacon-feeds.db" \
        "SELECT COUNT(*), COUNT(organisation_id) FROM feed_events" 2>/dev/null); then
        IFS='|' read -r db_events db_owned <<<"$db_counts"
        want_owned=$(json "$DIR_B/expected.json" attributed_rows)
        echo "beacon database: $db_events feed events, $db_owned with an owner" >&2
        [ "$db_events" -eq "$UNIQUE_B" ] || mismatch "the database holds $db_events feed events, expected $UNIQUE_B"
        [ "$db_owned" -eq "$want_owned" ] || mismatch "$db_owned stored events have an owner, expected $want_owned"
    else
        echo "note: could not count feed_events in the database (schema changed?)" >&2
    fi

    # Flat memory: the same pipeline on a quarter of the rows.
    N_QUARTER=$((N_BEACON / 4))
    DIR_Q=$(dataset "$N_QUARTER")
    beacon_run "$DIR_Q" >"$WORK/run.txt"; read -r q_ms rss_quarter <"$WORK/run.txt"
    echo "beacon at N/4: $q_ms ms, peak RSS $((rss_quarter / 1024)) MiB" >&2
    beacon_check "$DIR_Q"

    # Attribution speed (a plain-main benchmark: 1k, 100k and 1M random ranges).
    echo "Running the attribution benchmark…" >&2
    cargo bench --quiet --manifest-path "$ROOT/Cargo.toml" -p beacon-attribution --bench attribution \
        2>"$WORK/attribution.err" | tee "$WORK/attribution.txt" >&2 || { cat "$WORK/attribution.err" >&2; mismatch "attribution benchmark failed"; }
    attr_rate=$(sed -n 's/^ *100000 ranges: attribute.* \([0-9.]*\) M attributions\/s.*/\1/p' "$WORK/attribution.txt")
    attr_lookups=$(sed -n 's/^ *100000 ranges: build.*owner_of_ip *\([0-9.]*\) M lookups\/s.*/\1/p' "$WORK/attribution.txt")
fi

# --- IntelMQ -------------------------------------------------------------------------------
i_s=""; i_out=""; i_rss=""; redis_peak=""
if [ "$ONLY" != beacon ]; then
    need redis-cli redis-tools
    need setpriv util-linux
    VENV="$CACHE/intelmq-venv"
    if [ ! -e "$VENV/.intelmq-3.5.0" ]; then
        echo "Installing IntelMQ 3.5.0 from PyPI into $VENV…" >&2
        rm -rf "$VENV" "$CACHE/wheels"; mkdir -p "$CACHE/wheels"; chmod 755 "$CACHE"
        "$PY" -m pip download --quiet --no-deps intelmq==3.5.0 -d "$CACHE/wheels"
        "$PY" -m venv "$VENV"   # /usr/bin/python3: readable by nobody, unlike a Python under /root
        # textx and pendulum: the sieve expert's imports, not declared by the wheel
        "$VENV/bin/pip" install --quiet "$CACHE"/wheels/intelmq-3.5.0-*.whl textx pendulum
        touch "$VENV/.intelmq-3.5.0"
    fi
    PKG=$("$VENV/bin/python" -c "import intelmq, os; print(os.path.dirname(intelmq.__file__))")

    DIR_I=$(dataset "$N_INTELMQ")
    UNIQUE_I=$(json "$DIR_I/expected.json" unique_rows)
    ATTR_I=$(json "$DIR_I/expected.json" attributed_rows)
    IR="$WORK/intelmq"   # INTELMQ_ROOT_DIR and the bots' folders
    rm -rf "$IR"
    mkdir -p "$IR/etc" "$IR/var/log" "$IR/var/run" "$IR/var/lib/bots" "$IR/in" "$IR/out"
    cp "$PKG/etc/harmonization.conf" "$IR/etc/"
    if [ -s "$SCHEMA_SRC" ]; then
        cp "$SCHEMA_SRC" "$IR/var/lib/bots/shadowserver-schema.json"
    else
        need curl curl
        curl -fsSL "$SCHEMA_URL" -o "$IR/var/lib/bots/shadowserver-schema.json"
    fi
    if [ "$SIEVE" = tree ]; then cp "$DIR_I/owners-tree.sieve" "$IR/etc/owners.sieve"; else cp "$DIR_I/owners.sieve" "$IR/etc/owners.sieve"; fi
    cat >"$IR/etc/runtime.yaml" <<EOF
global:
  logging_level: INFO
  log_processed_messages_count: 100000
  log_processed_messages_seconds: 900
  error_procedure: pass
  error_dump_message: true
  source_pipeline_host: $REDIS_HOST
  source_pipeline_port: $REDIS_PORT
  destination_pipeline_host: $REDIS_HOST
  destination_pipeline_port: $REDIS_PORT
  statistics_host: $REDIS_HOST
  statistics_port: $REDIS_PORT
file-collector:
  group: Collector
  module: intelmq.bots.collectors.file.collector_file
  parameters:
    name: Bench Shadowserver
    provider: Shadowserver
    path: $IR/in
    postfix: .csv
    delete_file: true
    rate_limit: 3600
    destination_queues:
      _default: [shadowserver-parser-queue]
shadowserver-parser:
  group: Parser
  module: intelmq.bots.parsers.shadowserver.parser
  parameters:
    auto_update: false
    destination_queues:
      _default: [deduplicator-expert-queue]
deduplicator-expert:
  group: Expert
  module: intelmq.bots.experts.deduplicator.expert
  parameters:
    filter_keys: raw,time.observation
    filter_type: blacklist
    redis_cache_host: $REDIS_HOST
    redis_cache_port: $REDIS_PORT
    redis_cache_db: 6
    redis_cache_ttl: 86400
    destination_queues:
      _default: [sieve-expert-queue]
sieve-expert:
  group: Expert
  module: intelmq.bots.experts.sieve.expert
  parameters:
    file: $IR/etc/owners.sieve
    destination_queues:
      _default: [taxonomy-expert-queue]
taxonomy-expert:
  group: Expert
  module: intelmq.bots.experts.taxonomy.expert
  parameters:
    destination_queues:
      _default: [file-output-queue]
file-output:
  group: Output
  module: intelmq.bots.outputs.file.output
  parameters:
    file: $IR/out/events.txt
    hierarchical_output: false
EOF
    # Bots refuse to run as root: they run as nobody, who must reach these folders.
    chown -R nobody:nogroup "$IR/var" "$IR/in" "$IR/out"
    if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$IR/etc/runtime.yaml" -a -x "$VENV/bin/python"; then
        echo "The user nobody cannot read $IR or $VENV: set BENCH_WORK / BENCH_CACHE to a world-readable folder" >&2
        exit 2
    fi

    rcli() { redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" "$@"; }
    QUEUES=(shadowserver-parser-queue deduplicator-expert-queue sieve-expert-queue taxonomy-expert-queue file-output-queue)
    queues() { local q s=""; for q in "${QUEUES[@]}"; do s+="${q%-queue}=$(rcli -n 2 llen "$q") "; done; echo "$s"; }
    rcli -n 2 flushdb >/dev/null
    rcli -n 6 flushdb >/dev/null

    declare -A BOT_PID=()
    start_bot() {   # bot id, module
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
            env INTELMQ_ROOT_DIR="$IR" "$VENV/bin/$2" "$1" >"$IR/var/log/$1.stdout" 2>&1 &
        BOT_PID[$1]=$!
    }
    stop_bots() {
        local id
        for id in "${!BOT_PID[@]}"; do kill -TERM "${BOT_PID[$id]}" 2>/dev/null || true; done
        sleep 2
        for id in "${!BOT_PID[@]}"; do kill -KILL "${BOT_PID[$id]}" 2>/dev/null || true; done
        BOT_PID=()
    }
    trap stop_bots EXIT
    # Peak RSS of a bot (VmHWM, KiB), read while it still runs.
    bot_hwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

    # Downstream bots first, each until it logs that it is ready; then the collector.
    start_bot shadowserver-parser intelmq.bots.parsers.shadowserver.parser
    start_bot deduplicator-expert intelmq.bots.experts.deduplicator.expert
    start_bot sieve-expert intelmq.bots.experts.sieve.expert
    start_bot taxonomy-expert intelmq.bots.experts.taxonomy.expert
    start_bot file-output intelmq.bots.outputs.file.output
    for id in shadowserver-parser deduplicator-expert sieve-expert taxonomy-expert file-output; do
        for _ in $(seq 120); do
            grep -q "initialization completed" "$IR/var/log/$id.log" 2>/dev/null && break
            kill -0 "${BOT_PID[$id]}" 2>/dev/null || break
            sleep 0.5
        done
        if ! grep -q "initialization completed" "$IR/var/log/$id.log" 2>/dev/null; then
            echo "IntelMQ bot $id did not start:" >&2
            tail -20 "$IR/var/log/$id.log" "$IR/var/log/$id.stdout" 2>/dev/null >&2
            exit 1
        fi
    done
    cp "$DIR_I/event4_sinkhole_http.csv" "$IR/in/event4_sinkhole_http.csv"
    chown nobody:nogroup "$IR/in/event4_sinkhole_http.csv"

    i_load=$(cut -d' ' -f1 /proc/loadavg)
    echo "IntelMQ: $N_INTELMQ rows in, waiting for $UNIQUE_I unique events out (load average $i_load)…" >&2
    start=$(now_ms)
    start_bot file-collector intelmq.bots.collectors.file.collector_file
    OUT="$IR/out/events.txt"
    lines=0; last_report=$start; redis_peak=0; timed_out=0
    while :; do
        lines=$( [ -e "$OUT" ] && wc -l <"$OUT" || echo 0 )
        [ "$lines" -ge "$UNIQUE_I" ] && break
        now=$(now_ms)
        mem=$(rcli info memory | awk -F: '/^used_memory:/ {print $2+0}')
        [ "$mem" -gt "$redis_peak" ] && redis_peak=$mem
        if [ $((now - last_report)) -ge 10000 ]; then
            echo "  $(( (now - start) / 1000 )) s: $lines out; queues: $(queues)" >&2
            last_report=$now
        fi
        if [ $((now - start)) -ge $((TIMEOUT * 1000)) ]; then timed_out=1; break; fi
        for id in "${!BOT_PID[@]}"; do
            kill -0 "${BOT_PID[$id]}" 2>/dev/null || { echo "IntelMQ bot $id exited:" >&2; tail -20 "$IR/var/log/$id.log" >&2; timed_out=1; }
        done
        [ "$timed_out" = 1 ] && break
        sleep 0.5
    done
    end=$(now_ms)
    if [ "$timed_out" = 1 ]; then
        echo "IntelMQ did not finish: $lines of $UNIQUE_I events out after $(( (end - start) / 1000 )) s; queues: $(queues)" >&2
        for id in "${!BOT_PID[@]}"; do tail -3 "$IR/var/log/$id.log" >&2 2>/dev/null || true; done
        exit 1
    fi
    i_ms=$((end - start))
    # Anything still queued would be a deduplication failure: give it a moment to arrive.
    sleep 3
    i_out=$(wc -l <"$OUT")
    i_rss=0
    for id in "${!BOT_PID[@]}"; do i_rss=$((i_rss + $(bot_hwm "${BOT_PID[$id]}"))); done
    echo "IntelMQ: $i_out events out in $i_ms ms; queues after: $(queues); bots' peak RSS $((i_rss / 1024)) MiB; Redis used_memory peak $((redis_peak / 1048576)) MiB" >&2
    stop_bots
    trap - EXIT
    [ "$i_out" -eq "$UNIQUE_I" ] || mismatch "IntelMQ wrote $i_out events, expected $UNIQUE_I unique"
    ls "$IR"/var/log/*.dump >/dev/null 2>&1 && mismatch "IntelMQ dumped messages (errors): $(ls "$IR"/var/log/*.dump)"
    # Every event attributed by the sieve rules and classified by the taxonomy expert?
    "$PY" - "$OUT" "$ATTR_I" <<'PY' || fail=1
import json, sys
owned = classified = total = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    total += 1
    owned += e.get("extra.owner", "unattributed") != "unattributed"
    classified += e.get("classification.taxonomy") == "malicious-code"
want = int(sys.argv[2])
if owned != want or classified != total:
    print(f"MISMATCH (intelmq): {owned} events with an owner (expected {want}), {classified} of {total} classified", file=sys.stderr)
    sys.exit(1)
print(f"IntelMQ: {owned} of {total} events attributed to an owner, all classified", file=sys.stderr)
PY
    i_s=$(awk "BEGIN {printf \"%.1f\", $i_ms / 1000}")
fi

# --- Figures -------------------------------------------------------------------------------
echo
echo "### Feed pipeline: Shadowserver event4_sinkhole_http, 10% duplicates, $( [ -n "${DIR_B:-}" ] && json "$DIR_B/expected.json" owner_ranges || json "$DIR_I/expected.json" owner_ranges ) owner ranges"
echo
echo "| pipeline | rows in | unique events | seconds | events/s | rows/s | peak RSS |"
echo "|---|---:|---:|---:|---:|---:|---:|"
if [ -n "$b_ms" ]; then
    printf '| Beacon `ingest feed` → SQLite (median of %s) | %s | %s | %.2f | %s | %s | %s MiB |\n' \
        "$RUNS" "$b_read" "$b_stored" "$(awk "BEGIN {print $b_ms / 1000}")" \
        "$((b_stored * 1000 / b_ms))" "$((b_read * 1000 / b_ms))" "$((b_rss / 1024))"
fi
if [ -n "$i_s" ]; then
    printf '| IntelMQ 3.5.0, six bots on Redis, %s sieve (1 run) | %s | %s | %s | %s | %s | %s MiB (+ Redis %s MiB) |\n' \
        "$SIEVE" "$N_INTELMQ" "$i_out" "$i_s" "$((i_out * 1000 / i_ms))" "$((N_INTELMQ * 1000 / i_ms))" \
        "$((i_rss / 1024))" "$((redis_peak / 1048576))"
fi
echo
echo "Load average (1 min) when each started: Beacon ${b_load:--}, IntelMQ ${i_load:--} (2 cores; the machine is shared)."
if [ -n "$b_ms" ]; then
    echo "Beacon database after a run: ${DB_SIZE} MiB (SQLite file, durable)."
    awk -v a="$b_rss" -v b="$rss_quarter" -v n="$N_BEACON" -v q="$N_QUARTER" 'BEGIN {
        r = a / b; printf "Flat memory: peak RSS %d MiB at %d rows, %d MiB at %d rows (%.2fx for 4x the rows): %s\n",
        a / 1024, n, b / 1024, q, r, (r <= 1.5 ? "flat" : "NOT flat") }'
    if [ -n "$attr_rate" ]; then
        awk -v r="$attr_rate" -v l="${attr_lookups:-?}" 'BEGIN {
            printf "Attribution against 100,000 ranges: %.1f M attributions/s (owner_of_ip %s M lookups/s); target 10 M/s: %s\n",
            r, l, (r >= 10 ? "met" : "NOT met") }'
    else
        echo "Attribution against 100,000 ranges: no figure (see $WORK/attribution.txt)"
    fi
fi
if [ -n "$b_ms" ] && [ -n "$i_s" ]; then
    awk -v b="$((b_stored * 1000 / b_ms))" -v i="$i_out" -v ims="$i_ms" 'BEGIN {
        r = b / (i * 1000 / ims); printf "Ratio Beacon / IntelMQ events/s: %.0fx; target 500x: %s\n", r, (r >= 500 ? "met" : "NOT met") }'
fi
[ "$fail" = 0 ] || echo "Correctness mismatches: see the MISMATCH lines above." >&2
exit "$fail"
