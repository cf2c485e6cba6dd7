#!/usr/bin/env bash
# Signals speed benchmark (issue 5, "Speed"): with 1,000,000 signals from 2,000
# organisations, the figures page, a signal's page with its bundling suggestions, and
# registration (POST /signals/new) at 64 concurrent connections, logged in, on SQLite.
#
#   STERK_BIN=/path/to/sterk scripts/bench-signals.sh
#
# Settings (environment): STERK_BIN, ORGS (2000), SIGNALS (1000000), CONNS (64), THREADS (2),
# DURATION (20s), PORT (18081), BENCH_DIR (/tmp/bench-signals), RESEED (1; 0 keeps the data).
# Needs wrk, curl and sqlite3. Prints wrk's latency distribution for each page.
set -euo pipefail

BIN=${STERK_BIN:-${CARGO_TARGET_DIR:-target}/release/sterk}
ORGS=${ORGS:-2000}
SIGNALS=${SIGNALS:-1000000}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20s}
PORT=${PORT:-18081}
BENCH_DIR=${BENCH_DIR:-/tmp/bench-signals}
RESEED=${RESEED:-1}
BASE="http://127.0.0.1:$PORT"
EMAIL=bench1@sterk.bench
PASSWORD=sterk-demo-2026
DB="sqlite://$BENCH_DIR/sterk.db"

for tool in wrk curl sqlite3; do
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

if [ "$RESEED" = 1 ]; then
    rm -f "$BENCH_DIR"/sterk.db*
    start=$(date +%s)
    STERK_DATABASE_URL=$DB "$BIN" bench-seed --orgs "$ORGS" --clients "$ORGS" --audit 1000 --signals "$SIGNALS"
    echo "seeded in $(( $(date +%s) - start )) s"
fi

STERK_DATABASE_URL=$DB STERK_ADDR=127.0.0.1:$PORT STERK_SECURE_COOKIES=true STERK_LOG=warn "$BIN" serve >"$BENCH_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

jar="$BENCH_DIR/login"
curl -sS -D "$jar.h1" -o "$jar.b1" "$BASE/login"
cookie=$(grep -i '^set-cookie: sterk_session=' "$jar.h1" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$jar.b1" | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
curl -sS -D "$jar.h2" -o /dev/null -H "Cookie: sterk_session=$cookie" \
    --data-urlencode "email=$EMAIL" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "_csrf=$csrf" --data-urlencode "next=/" "$BASE/login"
session=$(grep -i '^set-cookie: sterk_session=' "$jar.h2" | sed -E 's/^[^=]*=([^;]*).*/\1/' | tr -d '\r')
[ -n "$session" ] || { echo "login refused" >&2; exit 1; }
# The CSRF token of the signed-in session.
csrf=$(curl -sS -H "Cookie: sterk_session=$session" "$BASE/signals/new" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed -E 's/.*value="([^"]*)"/\1/')
own=$(sqlite3 "$BENCH_DIR/sterk.db" "SELECT id FROM signals WHERE org_id = 1 AND dossier_id IS NULL ORDER BY id DESC LIMIT 1")

run() {
    echo "== $1"
    shift
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "Cookie: sterk_session=$session" "$@" \
        | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx|Socket errors'
}

run "figures page (/signals/figures)" "$BASE/signals/figures"
run "signal page with bundling suggestions (/signals/$own)" "$BASE/signals/$own"
cat >"$BENCH_DIR/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "_csrf=$csrf&what=De+huurpremie+wordt+niet+aangevraagd+omdat+het+formulier+te+moeilijk+is&subject=right%3Avlaamse_huurpremie&challenge=onderbescherming&target_group=elderly&refnis=44021&people=3&since=2025-01&evidence=cases"
LUA
before=$(sqlite3 "$BENCH_DIR/sterk.db" "SELECT COUNT(*) FROM signals")
run "registration (POST /signals/new)" -s "$BENCH_DIR/post.lua" "$BASE/signals/new"
after=$(sqlite3 "$BENCH_DIR/sterk.db" "SELECT COUNT(*) FROM signals")
echo "signals registered during the run: $(( after - before ))"
