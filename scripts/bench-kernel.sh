#!/usr/bin/env bash
# Kernel speed benchmark (issue 2, "Speed"): the client list, a client page and the audit
# page under 64 concurrent connections, logged in, on SQLite and PostgreSQL.
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --release -p sterk
#   STERK_BIN=/work/target-bench/release/sterk scripts/bench-kernel.sh            # both backends
#   BACKENDS=sqlite scripts/bench-kernel.sh                                       # one backend
#
# Settings (environment): STERK_BIN (the release binary), BACKENDS ("sqlite postgres"),
# ORGS/CLIENTS/AUDIT (200/100000/1000000), CONNS (64), THREADS (2), DURATION (20s),
# PORT (18080), BENCH_DIR (/tmp/bench), PG_URL_BASE (postgres://sterk:sterk@127.0.0.1:5432),
# PG_DB (sterk_bench; dropped and created again), RESEED (1; 0 keeps an existing data set).
# Needs wrk, curl, sqlite3 and psql. Prints a Markdown table of p50/p99/requests per second and
# the CPU time per request of the server (and of PostgreSQL's backends for the bench database),
# read from /proc: a figure that depends much less on other load of the machine than latency.
set -euo pipefail

BIN=${STERK_BIN:-${CARGO_TARGET_DIR:-target}/release/sterk}
BACKENDS=${BACKENDS:-"sqlite postgres"}
ORGS=${ORGS:-200}
CLIENTS=${CLIENTS:-100000}
AUDIT=${AUDIT:-1000000}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
PORT=${PORT:-18080}
BENCH_DIR=${BENCH_DIR:-/tmp/bench}
PG_URL_BASE=${PG_URL_BASE:-postgres://sterk:sterk@127.0.0.1:5432}
PG_DB=${PG_DB:-sterk_bench}
RESEED=${RESEED:-1}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench1@sterk.bench
PASSWORD=sterk-demo-2026

for tool in wrk curl sqlite3 psql; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
[ -x "$BIN" ] || { echo "no binary at $BIN (set STERK_BIN)" >&2; exit 1; }
mkdir -p "$BENCH_DIR"

SERVER_PID=
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
trap stop_server EXIT

# sql BACKEND QUERY: one value from the bench database.
sql() {
    if [ "$1" = sqlite ]; then
        sqlite3 "$BENCH_DIR/sterk.db" "$2"
    else
        psql -qtAX "$PG_URL_BASE/$PG_DB" -c "$2"
    fi
}

# login: prints the session cookie value after a login as bench1 (org 1).
login() {
    local jar="$BENCH_DIR/login"
    curl -sS -D "$jar.h1" -o "$jar.b1" "$BASE/login"
    local cookie csrf
    cookie=$(grep -i '^set-cookie: sterk_session=' "$jar.h1" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
    csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$jar.b1" | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
    [ -n "$cookie" ] && [ -n "$csrf" ] || { echo "login page: no cookie or CSRF token" >&2; exit 1; }
    curl -sS -D "$jar.h2" -o /dev/null -H "Cookie: sterk_session=$cookie" \
        --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
    local renewed
    renewed=$(grep -i '^set-cookie: sterk_session=' "$jar.h2" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
    [ -n "$renewed" ] || { echo "login refused" >&2; exit 1; }
    echo "$renewed"
}

# cpu_ticks PID...: user+system clock ticks of the processes that still exist.
cpu_ticks() {
    local t=0 p
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

# pg_backends: the PostgreSQL backends serving the bench database (empty on SQLite).
pg_backends() {
    if [ "$BACKEND" = postgres ]; then pgrep -f "sterk $PG_DB " || true; fi
}

# run_wrk NAME PATH: prints "| backend | NAME | p50 | p99 | req/s | CPU ms/req |".
run_wrk() {
    local name=$1 path=$2 out="$BENCH_DIR/wrk-$BACKEND-$1.txt"
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sterk_session=$COOKIE" "$BASE$path")
    [ "$status" = 200 ] || { echo "$path answers $status, not 200" >&2; exit 1; }
    local backends s0 p0 s1 p1
    backends=$(pg_backends)
    s0=$(cpu_ticks "$SERVER_PID")
    # shellcheck disable=SC2086
    p0=$(cpu_ticks $backends)
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Cookie: sterk_session=$COOKIE" "$BASE$path" >"$out"
    s1=$(cpu_ticks "$SERVER_PID")
    # Backends opened during the run (the pool grows on demand) count from zero.
    backends=$(printf '%s\n' $backends $(pg_backends) | sort -u)
    # shellcheck disable=SC2086
    p1=$(cpu_ticks $backends)
    local p50 p99 rps errors n cpu
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    rps=$(awk '$1 == "Requests/sec:" {printf "%.0f", $2}' "$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")
    [ -z "$errors" ] || { echo "$path: $errors answers were not 2xx/3xx" >&2; exit 1; }
    n=$(awk '/requests in/ {print $1}' "$out")
    cpu=$(awk -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v n="$n" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (p > 0) printf "%.2f + %.2f", s * 1000 / hz / n, p * 1000 / hz / n; else printf "%.2f", s * 1000 / hz / n }')
    echo "| $BACKEND | $name (\`$path\`) | $p50 | $p99 | $rps | $cpu |" | tee -a "$BENCH_DIR/results.md"
}

echo "| Backend | Page | p50 | p99 | req/s | CPU ms/req (sterk + PostgreSQL) |" | tee "$BENCH_DIR/results.md"
echo "|---|---|---|---|---|---|" | tee -a "$BENCH_DIR/results.md"

for BACKEND in $BACKENDS; do
    if [ "$BACKEND" = sqlite ]; then
        URL="sqlite://$BENCH_DIR/sterk.db"
        if [ "$RESEED" = 1 ]; then rm -f "$BENCH_DIR"/sterk.db*; fi
    else
        URL="$PG_URL_BASE/$PG_DB"
        if [ "$RESEED" = 1 ]; then
            psql -qX "$PG_URL_BASE/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
        fi
    fi
    if [ "$RESEED" = 1 ]; then
        echo "seeding $BACKEND…" >&2
        /usr/bin/time -f "seeded in %e s" env STERK_DATABASE_URL="$URL" "$BIN" bench-seed \
            --orgs "$ORGS" --clients "$CLIENTS" --audit "$AUDIT" >&2
        if [ "$BACKEND" = postgres ]; then sql postgres "ANALYZE" >/dev/null; fi
    fi
    STERK_DATABASE_URL="$URL" STERK_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" \
        >"$BENCH_DIR/serve-$BACKEND.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
        sleep 0.2
    done
    COOKIE=$(login)
    # A client of organisation 1 from the middle of its list, and an audit page halfway down
    # the organisation's trail (keyset pagination).
    CLIENT=$(sql "$BACKEND" "SELECT id FROM clients WHERE org_id = 1 ORDER BY id LIMIT 1 OFFSET 250")
    BEFORE=$(sql "$BACKEND" "SELECT id FROM audit_log WHERE org_id = 1 ORDER BY id LIMIT 1 OFFSET 2500")
    run_wrk "client list" /clients
    run_wrk "client page" "/clients/$CLIENT"
    run_wrk "audit page" /org/audit
    run_wrk "audit page, deep" "/org/audit?before=$BEFORE"
    stop_server
done
