#!/usr/bin/env bash
# Signals speed benchmark (issue 5, "Speed"): with 1,000,000 signals from 2,000
# organisations, logged in, at 64 concurrent connections, on SQLite and PostgreSQL:
#
#   target 1  the figures page (/signals/figures)                     p99 under 100 ms
#   target 2  bundling suggestions for a new signal (/signals/{id}:    p99 under 200 ms
#             the signal page ranks the suggestions on every request;
#             the run rotates over the 50 newest open signals of organisation 1)
#   target 3  registration (POST /signals/new, personal-data check,    p99 under 50 ms
#             consent, counts and audit in one transaction)
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --release -p sterk
#   STERK_BIN=/work/target-bench/release/sterk scripts/bench-signals.sh         # both backends
#   BACKENDS=sqlite scripts/bench-signals.sh                                    # one backend
#   PARTS="figures register" scripts/bench-signals.sh                           # some targets
#
# Run it on an idle machine: the targets are latencies, and other load moves them.
#
# Settings (environment): STERK_BIN (the release binary), BACKENDS ("sqlite postgres"),
# PARTS ("figures suggestions register"), ORGS (2000), SIGNALS (1000000), CONNS (64),
# THREADS (2), DURATION (20s), WARMUP (5s of wrk before each measured run; 0 for none), WRK_TIMEOUT (10s: a slower request counts as a miss), PORT (18081), BENCH_DIR (/tmp/bench-signals),
# PG_URL_BASE (postgres://sterk:sterk@127.0.0.1:5432), PG_PARAMS (appended to the server's URL, e.g.
# "?sslmode=disable"), PG_DB (sterk_bench_signals; dropped and
# created again), RESEED (1; 0 keeps an existing data set). A tiny run that only shows the
# script works (not a measurement): ORGS=20 SIGNALS=2000 DURATION=3s CONNS=8.
# Needs wrk, curl, sqlite3 and psql. Prints a Markdown table (also in $BENCH_DIR/results.md)
# of p50/p99/requests per second, the CPU time per request of the server (and of
# PostgreSQL's backends), the target and whether it was met.
set -euo pipefail

BIN=${STERK_BIN:-${CARGO_TARGET_DIR:-target}/release/sterk}
BACKENDS=${BACKENDS:-"sqlite postgres"}
PARTS=${PARTS:-"figures suggestions register"}
ORGS=${ORGS:-2000}
SIGNALS=${SIGNALS:-1000000}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
WARMUP=${WARMUP:-5s}
PORT=${PORT:-18081}
BENCH_DIR=${BENCH_DIR:-/tmp/bench-signals}
PG_URL_BASE=${PG_URL_BASE:-postgres://sterk:sterk@127.0.0.1:5432}
PG_DB=${PG_DB:-sterk_bench_signals}
RESEED=${RESEED:-1}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench1@sterk.bench
PASSWORD=sterk-demo-2026

need="wrk curl sqlite3"
case " $BACKENDS " in *" postgres "*) need="$need psql" ;; esac
for tool in $need; do
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

# sql BACKEND QUERY: the values of a query on the bench database, one row a line.
sql() {
    if [ "$1" = sqlite ]; then
        sqlite3 "$BENCH_DIR/sterk.db" "$2"
    else
        psql -qtAX "$PG_URL_BASE/$PG_DB" -c "$2"
    fi
}

# login: sets COOKIE (the session after a login as bench1, administrator of organisation 1)
# and CSRF (that session's token, for the registration's form).
login() {
    local jar="$BENCH_DIR/login" cookie csrf
    curl -sS -D "$jar.h1" -o "$jar.b1" "$BASE/login"
    cookie=$(grep -i '^set-cookie: sterk_session=' "$jar.h1" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
    csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$jar.b1" | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
    [ -n "$cookie" ] && [ -n "$csrf" ] || { echo "login page: no cookie or CSRF token" >&2; exit 1; }
    curl -sS -D "$jar.h2" -o /dev/null -H "Cookie: sterk_session=$cookie" \
        --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
    COOKIE=$(grep -i '^set-cookie: sterk_session=' "$jar.h2" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
    [ -n "$COOKIE" ] || { echo "login refused" >&2; exit 1; }
    CSRF=$(curl -sS -H "Cookie: sterk_session=$COOKIE" "$BASE/signals/new" \
        | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
    [ -n "$CSRF" ] || { echo "no CSRF token on /signals/new" >&2; exit 1; }
}

# cpu_ticks PID...: user+system clock ticks of the processes that still exist.
cpu_ticks() {
    local t=0 p
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}

# wait_settled: waits until the server has done its start-up work (the bundling suggestions'
# index of the open signals is built in the background after the start), so it is not
# measured with the first part: until its CPU time grows by less than 5% of a core in a
# second, for at most five minutes.
wait_settled() {
    local a b hz
    hz=$(getconf CLK_TCK)
    for _ in $(seq 1 300); do
        a=$(cpu_ticks "$SERVER_PID")
        sleep 1
        b=$(cpu_ticks "$SERVER_PID")
        [ $(( (b - a) * 20 )) -lt "$hz" ] && return 0
    done
    echo "the server is still busy after five minutes; measuring anyway" >&2
}

# pg_backends: the PostgreSQL backends serving the bench database (empty on SQLite).
pg_backends() {
    if [ "$BACKEND" = postgres ]; then pgrep -f "sterk $PG_DB " || true; fi
}

# ms VALUE: a wrk latency (850.00us, 12.34ms, 1.20s, 2.00m) in milliseconds.
ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        if (u == "us") n = n / 1000; else if (u == "s") n = n * 1000; else if (u == "m") n = n * 60000
        printf "%.2f", n }'
}

# run_wrk NAME PATH TARGET_MS [wrk options]: prints
# "| backend | NAME | p50 | p99 | req/s | CPU ms/req | target | met |".
run_wrk() {
    local name=$1 path=$2 target=$3
    shift 3
    local out="$BENCH_DIR/wrk-$BACKEND-${name// /-}.txt"
    local backends s0 p0 s1 p1
    # Warm-up, not measured: the pool opens its connections (on PostgreSQL each costs a SCRAM
    # handshake) and the caches fill. Registrations made here count in the printed total.
    if [ "$WARMUP" != 0 ]; then
        wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" -H "Cookie: sterk_session=$COOKIE" "$@" "$BASE$path" >/dev/null
    fi
    backends=$(pg_backends)
    s0=$(cpu_ticks "$SERVER_PID")
    # shellcheck disable=SC2086
    p0=$(cpu_ticks $backends)
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency -H "Cookie: sterk_session=$COOKIE" "$@" "$BASE$path" >"$out"
    s1=$(cpu_ticks "$SERVER_PID")
    # Backends opened during the run (the pool grows on demand) count from zero.
    # shellcheck disable=SC2046,SC2086
    backends=$(printf '%s\n' $backends $(pg_backends) | sort -u)
    # shellcheck disable=SC2086
    p1=$(cpu_ticks $backends)
    local p50 p99 rps errors timeouts n cpu met
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    rps=$(awk '$1 == "Requests/sec:" {printf "%.0f", $2}' "$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")
    [ -z "$errors" ] || { echo "$path: $errors answers were not 2xx/3xx" >&2; exit 1; }
    # Requests slower than wrk's --timeout are not in the latency figures: they fail the target.
    timeouts=$(awk '/Socket errors:/ {print $NF}' "$out")
    n=$(awk '/requests in/ {print $1}' "$out")
    [ "${n:-0}" -gt 0 ] || { echo "$path: no request finished" >&2; exit 1; }
    cpu=$(awk -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v n="$n" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { if (p > 0) printf "%.2f + %.2f", s * 1000 / hz / n, p * 1000 / hz / n; else printf "%.2f", s * 1000 / hz / n }')
    if [ "${timeouts:-0}" -gt 0 ]; then
        met="no ($timeouts requests over $WRK_TIMEOUT)"
    else
        met=$(awk -v p="$(ms "$p99")" -v t="$target" 'BEGIN { print (p > 0 && p < t) ? "yes" : "no" }')
    fi
    echo "| $BACKEND | $name (\`$path\`) | $p50 | $p99 | $rps | $cpu | p99 < $target ms | $met |" | tee -a "$BENCH_DIR/results.md"
}

# expect_status PATH: the page answers 200 for the signed-in bench user.
expect_status() {
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sterk_session=$COOKIE" "$BASE$1")
    [ "$status" = 200 ] || { echo "$1 answers $status, not 200" >&2; exit 1; }
}

echo "| Backend | Part | p50 | p99 | req/s | CPU ms/req (sterk + PostgreSQL) | Target | Met |" | tee "$BENCH_DIR/results.md"
echo "|---|---|---|---|---|---|---|---|" | tee -a "$BENCH_DIR/results.md"

for BACKEND in $BACKENDS; do
    if [ "$BACKEND" = sqlite ]; then
        URL="sqlite://$BENCH_DIR/sterk.db"
        if [ "$RESEED" = 1 ]; then rm -f "$BENCH_DIR"/sterk.db*; fi
    else
        URL="$PG_URL_BASE/$PG_DB${PG_PARAMS:-}"
        if [ "$RESEED" = 1 ]; then
            psql -qX "$PG_URL_BASE/postgres" -c "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"
        fi
    fi
    if [ "$RESEED" = 1 ]; then
        echo "seeding $BACKEND: $SIGNALS signals from $ORGS organisations…" >&2
        start=$(date +%s)
        STERK_DATABASE_URL="$URL" "$BIN" bench-seed --orgs "$ORGS" --clients "$ORGS" --audit 1000 --signals "$SIGNALS" >&2
        echo "seeded in $(( $(date +%s) - start )) s" >&2
        if [ "$BACKEND" = postgres ]; then sql postgres "ANALYZE" >/dev/null 2>&1; fi
    fi
    STERK_DATABASE_URL="$URL" STERK_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" \
        >"$BENCH_DIR/serve-$BACKEND.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
        sleep 0.2
    done
    wait_settled
    login
    for part in $PARTS; do
        case $part in
        figures)
            expect_status /signals/figures
            run_wrk "figures page" /signals/figures 100
            ;;
        suggestions)
            # The newest open signals of organisation 1: each request ranks the suggestions
            # of one of them (candidates of the same right, challenge or region elsewhere).
            ids=$(sql "$BACKEND" "SELECT id FROM signals WHERE org_id = 1 AND dossier_id IS NULL ORDER BY id DESC LIMIT 50" | paste -sd, -)
            [ -n "$ids" ] || { echo "organisation 1 has no open signal" >&2; exit 1; }
            first=${ids%%,*}
            expect_status "/signals/$first"
            curl -sS -o "$BENCH_DIR/signal.html" -H "Cookie: sterk_session=$COOKIE" "$BASE/signals/$first"
            grep -q 'name="signal"' "$BENCH_DIR/signal.html" \
                || { echo "/signals/$first shows no bundling form" >&2; exit 1; }
            cat >"$BENCH_DIR/suggestions.lua" <<LUA
local ids = { $ids }
local i = 0
request = function()
    i = i + 1
    return wrk.format("GET", "/signals/" .. ids[(i % #ids) + 1])
end
LUA
            run_wrk "signal page with suggestions, 50 signals" "/signals/$first" 200 -s "$BENCH_DIR/suggestions.lua"
            ;;
        register)
            cat >"$BENCH_DIR/register.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "_csrf=$CSRF&what=De+huurpremie+wordt+niet+aangevraagd+omdat+het+formulier+te+moeilijk+is&subject=right%3Avlaamse_huurpremie&challenge=onderbescherming&target_group=elderly&refnis=44021&people=3&since=2025-01&evidence=cases"
LUA
            # One registration first, to see it is accepted (a redirect to the new signal).
            status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sterk_session=$COOKIE" \
                -H "Content-Type: application/x-www-form-urlencoded" --data "$(sed -n 's/^wrk.body = "\(.*\)"$/\1/p' "$BENCH_DIR/register.lua")" "$BASE/signals/new")
            [ "$status" = 303 ] || { echo "POST /signals/new answers $status, not 303" >&2; exit 1; }
            before=$(sql "$BACKEND" "SELECT COUNT(*) FROM signals")
            run_wrk "registration" /signals/new 50 -s "$BENCH_DIR/register.lua"
            after=$(sql "$BACKEND" "SELECT COUNT(*) FROM signals")
            echo "($BACKEND: $(( after - before )) signals registered during the run)" >&2
            ;;
        *) echo "unknown part: $part (figures, suggestions, register)" >&2; exit 1 ;;
        esac
    done
    stop_server
done
