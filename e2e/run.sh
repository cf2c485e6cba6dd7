#!/usr/bin/env bash
# Browser tests: Playwright with Debian's chromium and axe-core (WCAG 2.1 AA), against a
# fresh server with the demo data: everything on SQLite, then the behaviour pass (every
# journey, without the checks that depend only on the HTML) on PostgreSQL.
#
#   STERK_BIN                 the sterk binary (default: target/debug/sterk in the repo)
#   STERK_TEST_POSTGRES_URL   a PostgreSQL URL whose role may CREATE DATABASE; when unset,
#                             only SQLite runs
#   E2E_ARGS                  extra arguments for `playwright test` (e.g. a file or --grep)
set -uo pipefail
cd "$(dirname "$0")"
E2E=$(pwd)
ROOT=$(cd .. && pwd)
STERK_BIN=${STERK_BIN:-$ROOT/target/debug/sterk}
case "$STERK_BIN" in /*) ;; *) STERK_BIN="$ROOT/$STERK_BIN" ;; esac
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NPM_CONFIG_UPDATE_NOTIFIER=false

if [ ! -x "$STERK_BIN" ]; then
  echo "e2e: no sterk binary at $STERK_BIN (build it with: cargo build -p sterk)" >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "e2e: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2
  exit 2
fi

# Node modules from the lock file, only when missing or older than the lock.
if [ ! -d node_modules/@playwright/test ] || [ ! -d node_modules/@axe-core/playwright ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "e2e: installing node modules"
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error || { echo "e2e: npm ci failed" >&2; exit 2; }
fi

WORK=$(mktemp -d /tmp/sterk-e2e.XXXXXX)
SERVER_PID=""
PG_DB=""

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
  fi
}

drop_pg_db() {
  if [ -n "$PG_DB" ]; then
    psql "$STERK_TEST_POSTGRES_URL" -qXc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 \
      || psql "$STERK_TEST_POSTGRES_URL" -qXc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
    PG_DB=""
  fi
}

cleanup() {
  stop_server
  drop_pg_db
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

# run_backend NAME DATABASE_URL [PASS]
# PASS "behaviour" (the second backend) runs every journey but leaves out what depends
# only on the HTML, which is the same on both backends: axe-core (STERK_AXE=0), the print
# and reflow layouts, and the French sweep of every page (tests tagged @rendering).
run_backend() {
  local name=$1 url=$2 pass=${3:-full} port log
  port=$(free_port)
  log="$WORK/server-$name.log"
  echo
  echo "==> e2e on $name, $pass pass (http://127.0.0.1:$port)"
  STERK_DATA_DIR="$WORK/data-$name" STERK_DATABASE_URL="$url" "$STERK_BIN" serve --demo --addr "127.0.0.1:$port" >"$log" 2>&1 &
  SERVER_PID=$!
  local up=""
  for _ in $(seq 1 300); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; then up=1; break; fi
    sleep 0.2
  done
  if [ -z "$up" ]; then
    echo "e2e: the server on $name did not come up; its log:" >&2
    cat "$log" >&2
    stop_server
    return 1
  fi
  local rc=0
  # shellcheck disable=SC2086
  local axe=1
  [ "$pass" = behaviour ] && axe=0
  STERK_URL="http://127.0.0.1:$port" STERK_BACKEND="$name" STERK_E2E_PASS="$pass" STERK_AXE="$axe" npx --no-install playwright test ${E2E_ARGS:-} || rc=$?
  stop_server
  if [ $rc -ne 0 ]; then
    echo "e2e: failed on $name; the server's log (last 40 lines):" >&2
    tail -n 40 "$log" >&2
  fi
  return $rc
}

failed=()
start=$(date +%s)

mkdir -p "$WORK/sqlite"
run_backend sqlite "sqlite://$WORK/sqlite/sterk.db" || failed+=(sqlite)

if [ -n "${STERK_TEST_POSTGRES_URL:-}" ]; then
  # Databases left behind by runs that were killed (their name holds their start time):
  # those older than two hours go.
  now=$(date +%s)
  psql "$STERK_TEST_POSTGRES_URL" -qXtAc "SELECT datname FROM pg_database WHERE datname LIKE 'sterk_e2e_%'" 2>/dev/null |
    while read -r d; do
      t=${d#sterk_e2e_}; t=${t%%_*}
      if [[ "$t" =~ ^[0-9]+$ ]] && [ $((now - t)) -gt 7200 ]; then
        psql "$STERK_TEST_POSTGRES_URL" -qXc "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true
      fi
    done
  PG_DB="sterk_e2e_$(date +%s)_$RANDOM"
  if psql "$STERK_TEST_POSTGRES_URL" -qXc "CREATE DATABASE $PG_DB" >/dev/null; then
    pg_base=${STERK_TEST_POSTGRES_URL%%\?*}
    pg_query=${STERK_TEST_POSTGRES_URL#"$pg_base"}
    run_backend postgresql "${pg_base%/*}/$PG_DB$pg_query" behaviour || failed+=(postgresql)
  else
    echo "e2e: could not create the PostgreSQL database $PG_DB" >&2
    failed+=(postgresql)
  fi
  drop_pg_db
else
  echo
  echo "e2e: STERK_TEST_POSTGRES_URL is not set: PostgreSQL was skipped (SQLite only)."
fi

echo
echo "e2e: done in $(( $(date +%s) - start ))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "e2e: FAILED on: ${failed[*]}" >&2
  exit 1
fi
echo "e2e: all browser tests passed"
