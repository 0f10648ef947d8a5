# Shared by e2e/run.sh, interop/run.sh and scaleout/run.sh (sourced, not run): the steps every
# out-of-Maven proof takes around its Node test. The caller has cd'ed to the repository root and
# runs with `set -euo pipefail`.

log() { printf '\n== %s\n' "$*"; }

# ensure_database, throwaway_key
# shellcheck source=setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# build_jar_if_missing REBUILD: ./mvnw package unless the jar exists and REBUILD is empty
build_jar_if_missing() {
  if [ -n "${1:-}" ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
    log "building the service (./mvnw package -DskipTests)"
    ./mvnw -B -q package -DskipTests
  fi
}

# fresh_state DATABASE REDIS_URL: a new database and an empty Redis database for the run, so that
# it starts as on a new machine (an old database beside a Redis that lost its keys would make the
# service rebuild its revocation cache at start, and say so at WARN, as it should)
fresh_state() {
  ensure_database "$1" fresh >/dev/null
  local hostport=${2#redis://}
  hostport=${hostport%%/*}
  redis-cli -h "${hostport%%:*}" -p "${hostport##*:}" -n "${2##*/}" FLUSHDB >/dev/null
}

# npm_ci_if_needed DIR: npm ci in DIR unless its node_modules already match package-lock.json
npm_ci_if_needed() {
  if ! (cd "$1" && npm ls --omit=optional >/dev/null 2>&1); then
    log "npm ci ($1)"
    (cd "$1" && npm ci --no-audit --no-fund)
  fi
}

# refuse_ports_in_use PORT...: we never stop anything we did not start
refuse_ports_in_use() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is already in use (see the variables at the top of $0)" >&2
      exit 2
    fi
  done
}

# start_service PORT DATABASE REDIS_URL SIGNING_KEY LOG: the packaged service in prod mode, in the
# background, on localhost:PORT (also its issuer), with its own database, Redis database and key;
# further settings come from the environment the caller puts before the call
# (LATCHKEY_X=y start_service ...). Stopped on exit. On INT/TERM the test is stopped first (a
# browser closes cleanly), then the EXIT trap stops the service.
SERVICE_PID=
TEST_PID=
start_service() {
  SERVICE_LOG=$5
  log "starting the service on http://localhost:$1"
  QUARKUS_HTTP_PORT=$1 \
  QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$2 \
  QUARKUS_DATASOURCE_USERNAME=postgres \
  QUARKUS_REDIS_HOSTS=$3 \
  LATCHKEY_SIGNING_KEY_LOCATION=$4 \
  LATCHKEY_ISSUER=http://localhost:$1 \
    tools/run-service.sh >"$SERVICE_LOG" 2>&1 &
  SERVICE_PID=$!
  trap stop_service EXIT
  trap on_signal INT TERM
}

stop_service() {
  if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID"
    for _ in $(seq 1 30); do kill -0 "$SERVICE_PID" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
  fi
}

on_signal() {
  if [ -n "$TEST_PID" ]; then kill "$TEST_PID" 2>/dev/null || true; wait "$TEST_PID" 2>/dev/null || true; fi
  exit 130
}

# wait_until_ready PORT: readiness answered by *our* process, not by another that had the port
wait_until_ready() {
  local ready=
  for _ in $(seq 1 120); do
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    if curl -fsS "http://localhost:$1/q/health/ready" >/dev/null 2>&1; then ready=1; break; fi
    sleep 1
  done
  if [ -z "$ready" ] || ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    echo "the service did not become ready; its log:" >&2
    tail -50 "$SERVICE_LOG" >&2
    exit 1
  fi
}

# assert_quiet_start: a normal start logs no WARN or ERROR line (call right after wait_until_ready;
# later lines, e.g. the audit WARN of a detected reuse the test provokes, are the test's business)
assert_quiet_start() {
  if grep -E '^[0-9-]+ [0-9:,]+ (WARN|ERROR) ' "$SERVICE_LOG"; then
    echo "the service logged the WARN/ERROR line(s) above while starting; a normal start must be quiet" >&2
    exit 1
  fi
}

# run_test COMMAND...: in the background and waited for, so that a signal reaches on_signal at
# once rather than after the test; sets TEST_STATUS
run_test() {
  "$@" &
  TEST_PID=$!
  TEST_STATUS=0
  wait "$TEST_PID" || TEST_STATUS=$?
  TEST_PID=
}
