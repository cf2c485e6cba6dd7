#!/usr/bin/env bash
# Rights module speed benchmark (issue 4, "Speed"), on SQLite with the demo data:
#   1. POST /api/v1/rights/evaluate: requests per second at 64 connections (target ≥ 20,000);
#   2. the rights-check step of a social worker (answers posted, results rendered and the
#      draft stored): p99 at 64 connections (target < 50 ms);
#   3. a screening of a population file through the web job, against `sterk rights screen`
#      on the same file (target: the web within 2× the command line).
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --release -p sterk
#   STERK_BIN=/work/target-bench/release/sterk POP=/work/pop/1m scripts/bench-rights.sh
#
# POP is a folder with households.csv and persons.csv (make one with
# `sterk rights synth --households 1000000 --out-dir DIR`); without POP part 3 is skipped.
# Settings: PARTS ("api check screening"), CONNS (64), THREADS (2), DURATION (20s), PORT (18090), BENCH_DIR (/tmp/bench-rights),
# PG_DB (unset: SQLite; set: that PostgreSQL database, dropped and created again, on PG_URL_BASE
# postgres://sterk:sterk@127.0.0.1:5432; the screening part needs SQLite).
# The last column is the CPU time per request of the server (and of PostgreSQL's backends for
# the bench database), read from /proc: it depends much less on other load than latency.
# Needs wrk, curl and sqlite3 (and psql with PG_DB).
set -euo pipefail

BIN=${STERK_BIN:-${CARGO_TARGET_DIR:-target}/release/sterk}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
PORT=${PORT:-18090}
BENCH_DIR=${BENCH_DIR:-/tmp/bench-rights}
POP=${POP:-}
PARTS=" ${PARTS:-api check screening} "
PG_DB=${PG_DB:-}
PG_URL_BASE=${PG_URL_BASE:-postgres://sterk:sterk@127.0.0.1:5432}
BASE="http://127.0.0.1:$PORT"
EMAIL=werker@ocmw-gent.demo
PASSWORD=sterk-demo-2026

for tool in wrk curl sqlite3; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "no binary at $BIN (set STERK_BIN)" >&2; exit 1; }
rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"

DB_URL="sqlite://$BENCH_DIR/sterk.db"
if [ -n "$PG_DB" ]; then
    psql -qX "$PG_URL_BASE/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null
    DB_URL="$PG_URL_BASE/$PG_DB"
fi
STERK_DATABASE_URL="$DB_URL" STERK_DATA_DIR="$BENCH_DIR/data" STERK_LOG=${STERK_LOG:-warn} \
    "$BIN" serve --demo --addr "127.0.0.1:$PORT" >"$BENCH_DIR/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done

# cpu_ticks PID...: user+system clock ticks of the processes that still exist.
cpu_ticks() {
    local t=0 p
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
# pg_backends: the PostgreSQL backends serving the bench database (none on SQLite).
pg_backends() {
    if [ -n "$PG_DB" ]; then pgrep -f "sterk $PG_DB " || true; fi
}
# bench NAME FILE WRK-ARGS...: runs wrk and prints its summary with the CPU per request.
bench() {
    local name=$1 out=$2 backends s0 p0 s1 p1
    shift 2
    backends=$(pg_backends)
    s0=$(cpu_ticks "$SERVER_PID")
    # shellcheck disable=SC2086
    p0=$(cpu_ticks $backends)
    wrk "$@" >"$out"
    s1=$(cpu_ticks "$SERVER_PID")
    # Backends opened during the run (the pool grows on demand) count from zero.
    # shellcheck disable=SC2046,SC2086
    backends=$(printf '%s\n' $backends $(pg_backends) | sort -u)
    # shellcheck disable=SC2086
    p1=$(cpu_ticks $backends)
    CPU=$(awk -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v n="$(awk '/requests in/ {print $1}' "$out")" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (p > 0) printf "%.2f + %.2f", s * 1000 / hz / n, p * 1000 / hz / n; else printf "%.2f", s * 1000 / hz / n }')
    summary "$name" "$out"
}

# A signed-in session: cookie and CSRF token.
jar="$BENCH_DIR/login"
curl -sS -D "$jar.h1" -o "$jar.b1" "$BASE/login"
COOKIE=$(grep -i '^set-cookie: sterk_session=' "$jar.h1" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
CSRF=$(grep -o 'name="_csrf" value="[^"]*"' "$jar.b1" | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
curl -sS -D "$jar.h2" -o /dev/null -H "Cookie: sterk_session=$COOKIE" \
    --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "_csrf=$CSRF" --data-urlencode "next=/" "$BASE/login"
COOKIE=$(grep -i '^set-cookie: sterk_session=' "$jar.h2" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
curl -sS -o "$jar.b3" -H "Cookie: sterk_session=$COOKIE" "$BASE/clients/1/rights/new"
CSRF=$(grep -o 'name="_csrf" value="[^"]*"' "$jar.b3" | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
[ -n "$COOKIE" ] && [ -n "$CSRF" ] || { echo "could not sign in" >&2; exit 1; }

summary() { # summary NAME FILE
    awk -v name="$1" '
        $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
        $1 == "Requests/sec:" {rps = $2} /Transfer\/sec/ {tr = $2}
        /Non-2xx or 3xx responses:/ {bad = $5}
        END {printf "| %s | %s | %s | %.0f | %s | %s | %s |\n", name, p50, p99, rps, tr, (bad == "" ? 0 : bad), cpu}' cpu="$CPU" "$2"
}

echo "| case | p50 | p99 | req/s | transfer/s | non-2xx | CPU ms/req (sterk + PostgreSQL) |"
echo "|---|---|---|---|---|---|---|"

if [[ $PARTS == *" api "* ]]; then
# 1. The evaluate API: a household of persona 2 (a single parent with a small income).
cat >"$BENCH_DIR/evaluate.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"region":"flanders","applicant_age":34,"partner":false,"dependent_children":2,"other_adults":0,"monthly_net_income":145000,"annual_taxable_income":1740000,"monthly_rent":72000,"legal_residence":true}'
EOF
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data '{"region":"flanders","applicant_age":34}' "$BASE/api/v1/rights/evaluate")
[ "$status" = 200 ] || { echo "evaluate answers $status" >&2; exit 1; }
bench "POST /api/v1/rights/evaluate ($CONNS conn.)" "$BENCH_DIR/wrk-evaluate.txt" \
    -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$BENCH_DIR/evaluate.lua" "$BASE/api/v1/rights/evaluate"

fi

if [[ $PARTS == *" check "* ]]; then
# 2. The rights-check step: answers posted for demo client 1 (who has the consent).
cat >"$BENCH_DIR/check.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "sterk_session=$COOKIE"
wrk.body = "_csrf=$CSRF&a_region=flanders&a_applicant_age=82&a_partner=no&a_dependent_children=0&a_other_adults=0&a_monthly_pension=90000&action=next"
EOF
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sterk_session=$COOKIE" \
    --data "_csrf=$CSRF&a_region=flanders&a_applicant_age=82&action=next" "$BASE/clients/1/rights/check")
[ "$status" = 200 ] || { echo "the check step answers $status" >&2; exit 1; }
bench "rights-check step, client 1 ($CONNS conn.)" "$BENCH_DIR/wrk-check.txt" \
    -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$BENCH_DIR/check.lua" "$BASE/clients/1/rights/check"

fi

# 3. Screening: the command line, then the web job on the same files.
if [ -n "$POP" ] && [ -z "$PG_DB" ] && [[ $PARTS == *" screening "* ]]; then
    start=$(date +%s.%N)
    "$BIN" rights screen --households "$POP/households.csv" --persons "$POP/persons.csv" \
        --out "$BENCH_DIR/cli-results.csv" >/dev/null 2>&1 || true
    cli=$(echo "$(date +%s.%N) - $start" | bc)
    start=$(date +%s.%N)
    upload=$(curl -sS -o /dev/null -w '%{time_total}' -H "Cookie: sterk_session=$COOKIE" \
        -F "households=@$POP/households.csv" -F "persons=@$POP/persons.csv" \
        "$BASE/screenings/upload?_csrf=$CSRF")
    while :; do
        st=$(sqlite3 "$BENCH_DIR/sterk.db" "SELECT status FROM screening_jobs ORDER BY id DESC LIMIT 1" 2>/dev/null || echo busy)
        case "$st" in done | failed) break ;; esac
        sleep 0.5
    done
    web=$(echo "$(date +%s.%N) - $start" | bc)
    n=$(sqlite3 "$BENCH_DIR/sterk.db" "SELECT households_screened FROM screening_jobs ORDER BY id DESC LIMIT 1")
    printf '| screening %s households: command line | %.1f s |\n' "$n" "$cli"
    printf '| the same through the web job (upload to done, status %s) | %.1f s (%.2f× the command line), of which the upload %.1f s |\n' \
        "$st" "$web" "$(echo "$web / $cli" | bc -l)" "$upload"
fi
