#!/usr/bin/env bash
# Benchmark: Beacon's report ingest into SQLite against the floor for SQLite, the sqlite3
# command-line tool's `.import` of the same CSV into a table with the same columns and
# indexes (a unique index on the reference, and one index about as wide as Beacon's
# (day, packed fact) index); then `beacon stats --by district,month` over the same rows on SQLite and on
# PostgreSQL. Prints figures and ratios (medians of several runs, in one run of this script,
# because these machines are shared and noisy).
#
# Usage: bench/ingest_vs_sqlite.sh [ROWS] [REPEATS]
#   ROWS     rows to generate (default 1000000)
#   REPEATS  runs of each measurement (default 3)
#   BEACON_BENCH_POSTGRES  admin URL of a PostgreSQL server
#                          (default postgres://postgres@127.0.0.1:5432/postgres; "skip" to skip)
set -euo pipefail

ROWS="${1:-1000000}"
REPEATS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/bench/out"
PG_ADMIN="${BEACON_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
mkdir -p "$OUT"

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$2" >/dev/null; }; }
need sqlite3 sqlite3
need /usr/bin/time time

echo "Building beacon (release)…" >&2
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p beacon
BEACON="$ROOT/target/release/beacon"

CSV="$OUT/reports-$ROWS.csv"
if [ ! -s "$CSV" ]; then
    echo "Generating $ROWS synthetic rows…" >&2
    "$BEACON" demo generate --seed 7 --rows "$ROWS" --out "$CSV" >/dev/null
fi
BYTES=$(stat -c %s "$CSV")

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now_ms() { date +%s%3N; }

# --- Beacon ingest into SQLite -------------------------------------------------------
beacon_times=(); beacon_rss=()
for i in $(seq "$REPEATS"); do
    DB="$OUT/beacon-bench.db"; rm -f "$DB" "$DB-wal" "$DB-shm"
    "$BEACON" --database "$DB" ingest runs >/dev/null   # create schema + reference data first
    start=$(now_ms)
    /usr/bin/time -f "%M" -o "$OUT/rss.txt" "$BEACON" --database "$DB" ingest reports "$CSV" --no-triage --json >"$OUT/ingest.json"
    end=$(now_ms)
    beacon_times+=($((end - start))); beacon_rss+=($(cat "$OUT/rss.txt"))
done
stored=$(python3 -c "import json;d=json.load(open('$OUT/ingest.json'));print(d['stored'],d['read'],d['rejected'])")

# --- sqlite3 .import of the same CSV (same columns and indexes) ----------------------
import_times=()
for i in $(seq "$REPEATS"); do
    IDB="$OUT/import-bench.db"; rm -f "$IDB" "$IDB-wal" "$IDB-shm"
    sqlite3 "$IDB" <<'SQL' >/dev/null
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
CREATE TABLE reports (reference TEXT NOT NULL UNIQUE, reported_date TEXT, offence_date TEXT, fraud_type TEXT,
  victim_type TEXT, victim_age TEXT, victim_gender TEXT, contact_method TEXT, org_sector TEXT, org_size TEXT,
  postcode TEXT, district_code TEXT, loss_gbp TEXT, cyber_enabled TEXT, vulnerable TEXT, repeat_victim TEXT,
  victim_key TEXT, tags TEXT, summary TEXT);
CREATE INDEX reports_facts ON reports(reported_date, district_code, fraud_type, loss_gbp);
SQL
    start=$(now_ms)
    sqlite3 "$IDB" -cmd "PRAGMA synchronous=NORMAL;" ".import --csv --skip 1 $CSV reports" 2>/dev/null || true
    end=$(now_ms)
    import_times+=($((end - start)))
done
imported=$(sqlite3 "$IDB" "SELECT COUNT(*) FROM reports")

# --- beacon stats --by district,month on SQLite -------------------------------------
stats_times=()
for i in $(seq $((REPEATS * 3))); do
    start=$(now_ms)
    "$BEACON" --database "$DB" stats --by district,month --json >/dev/null
    end=$(now_ms)
    stats_times+=($((end - start)))
done

# --- PostgreSQL ----------------------------------------------------------------------
pg_ingest="skipped"; pg_stats="skipped"
if [ "$PG_ADMIN" != "skip" ] && command -v psql >/dev/null && psql "$PG_ADMIN" -qAtc "SELECT 1" >/dev/null 2>&1; then
    PGDB="beacon_bench_$$"
    psql "$PG_ADMIN" -qAtc "CREATE DATABASE $PGDB" >/dev/null
    PGURL="${PG_ADMIN%/*}/$PGDB"
    "$BEACON" --database "$PGURL" ingest runs >/dev/null
    start=$(now_ms)
    "$BEACON" --database "$PGURL" ingest reports "$CSV" --no-triage --json >/dev/null
    end=$(now_ms); pg_ingest=$((end - start))
    pg_times=()
    for i in $(seq $((REPEATS * 3))); do
        start=$(now_ms)
        "$BEACON" --database "$PGURL" stats --by district,month --json >/dev/null
        end=$(now_ms)
        pg_times+=($((end - start)))
    done
    pg_stats=$(printf '%s\n' "${pg_times[@]}" | median)
    psql "$PG_ADMIN" -qAtc "DROP DATABASE $PGDB WITH (FORCE)" >/dev/null
fi

b=$(printf '%s\n' "${beacon_times[@]}" | median)
r=$(printf '%s\n' "${beacon_rss[@]}" | median)
s=$(printf '%s\n' "${import_times[@]}" | median)
q=$(printf '%s\n' "${stats_times[@]}" | median)
echo
echo "Report ingest benchmark: $ROWS rows, $((BYTES / 1048576)) MiB CSV, median of $REPEATS runs"
printf '%-46s %10s %14s %12s\n' "" "ms" "rows/s" "peak MiB"
printf '%-46s %10s %14s %12s\n' "beacon ingest reports (SQLite, validated)" "$b" "$((ROWS * 1000 / b))" "$((r / 1024))"
printf '%-46s %10s %14s %12s\n' "sqlite3 .import (same columns and indexes)" "$s" "$((ROWS * 1000 / s))" "-"
echo "Beacon stored/read/rejected: $stored; sqlite3 imported rows: $imported"
python3 -c "print(f'ratio beacon / sqlite3 .import time: {$b/$s:.2f}x (target <= 2.0x)')"
echo
printf '%-46s %10s\n' "beacon stats --by district,month (SQLite)" "$q ms"
printf '%-46s %10s\n' "beacon ingest reports (PostgreSQL)" "$pg_ingest ms"
printf '%-46s %10s\n' "beacon stats --by district,month (PostgreSQL)" "$pg_stats ms"
echo "(whole-process times, including start-up and reading the database; medians of $((REPEATS * 3)) runs)"
