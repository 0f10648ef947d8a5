#!/usr/bin/env bash
# Interoperability proof: well-known client libraries nobody on this project wrote (openid-client,
# jose) against the packaged service in prod mode. Exit code = the tests'.
#
#   interop/run.sh                        build the jar if missing, start the service, test, stop it
#   LK_INTEROP_REBUILD=1 interop/run.sh   rebuild the jar first (after changing the server)
#
# Needs: JDK 17+, Node 20+, PostgreSQL and Redis on localhost (trust auth, user postgres), as for
# ./mvnw verify. Uses port 18280, database latchkey_interop and Redis db 4 unless told otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PORT=${LK_INTEROP_PORT:-18280}
DB=${LK_INTEROP_DB:-latchkey_interop}
REDIS=${LK_INTEROP_REDIS:-redis://127.0.0.1:6379/4}
# The refresh grace window, short so that the reuse test waits 1 s instead of the default 10 s.
GRACE_SECONDS=1
RUN_DIR=$ROOT/interop/.run   # git-ignored: the throwaway signing key and the service log

log() { printf '\n== %s\n' "$*"; }

if [ -n "${LK_INTEROP_REBUILD:-}" ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
  log "building the service (./mvnw package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi

if ! (cd interop && npm ls --omit=optional >/dev/null 2>&1); then
  log "npm ci"
  (cd interop && npm ci --no-audit --no-fund)
fi

mkdir -p "$RUN_DIR"
if [ ! -f "$RUN_DIR/signing.pem" ]; then
  # a throwaway key: tokens of this service never leave the test
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN_DIR/signing.pem" 2>/dev/null
  chmod 600 "$RUN_DIR/signing.pem"
fi

psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" postgres | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" postgres

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is already in use; set LK_INTEROP_PORT" >&2
  exit 2
fi

# Two confidential clients with fresh secrets for this run: "reports" gets tokens for itself
# (client_credentials), "gateway" may only introspect and revoke. The "-" is deliberate:
# openid-client form-urlencodes Basic credentials (RFC 6749 §2.3.1), so it travels as "%2D" and
# the service has to decode it.
REPORTS_SECRET=reports-$(openssl rand -hex 20)
GATEWAY_SECRET=gateway-$(openssl rand -hex 20)

# Every request comes from 127.0.0.1 and the throttling counters live in Redis between runs:
# the per-address limits are raised (as in the test profile) so that running this in a loop
# never meets a 429. The per-username-and-address limit stays as in production.
log "starting the service on http://localhost:$PORT"
SERVICE_LOG=$RUN_DIR/service.log
QUARKUS_HTTP_PORT=$PORT \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_REDIS_HOSTS=$REDIS \
LATCHKEY_SIGNING_KEY_LOCATION=$RUN_DIR/signing.pem \
LATCHKEY_ISSUER=http://localhost:$PORT \
LATCHKEY_REFRESH_GRACE=${GRACE_SECONDS}s \
LATCHKEY_REGISTRATION_MAX_PER_ADDRESS=100000 \
LATCHKEY_LOGIN_MAX_FAILURES_PER_ADDRESS=100000 \
LATCHKEY_CLIENTS_REPORTS_SECRET=$REPORTS_SECRET \
LATCHKEY_CLIENTS_REPORTS_GRANTS=client_credentials \
LATCHKEY_CLIENTS_REPORTS_SCOPES='reports:read reports:write' \
LATCHKEY_CLIENTS_GATEWAY_SECRET=$GATEWAY_SECRET \
  java -jar target/quarkus-app/quarkus-run.jar >"$SERVICE_LOG" 2>&1 &
SERVICE_PID=$!

stop_service() {
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID"
    for _ in $(seq 1 30); do kill -0 "$SERVICE_PID" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
  fi
}
# On INT/TERM stop the test first, then the EXIT trap stops the service.
TEST_PID=
on_signal() {
  if [ -n "$TEST_PID" ]; then kill "$TEST_PID" 2>/dev/null || true; wait "$TEST_PID" 2>/dev/null || true; fi
  exit 130
}
trap stop_service EXIT
trap on_signal INT TERM

ready=
for _ in $(seq 1 120); do
  kill -0 "$SERVICE_PID" 2>/dev/null || break
  if curl -fsS "http://localhost:$PORT/q/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 1
done
# ready, and answered by *our* process: not by another one that already had the port
if [ -z "$ready" ] || ! kill -0 "$SERVICE_PID" 2>/dev/null; then
  echo "the service did not become ready; its log:" >&2
  tail -50 "$SERVICE_LOG" >&2
  exit 1
fi

log "running interop/interop.test.mjs"
cd interop
# in the background and waited for, so that a signal reaches on_signal at once, not after the test
LK_INTEROP_ISSUER=http://localhost:$PORT \
LK_INTEROP_GRACE_SECONDS=$GRACE_SECONDS \
LK_INTEROP_REPORTS_SECRET=$REPORTS_SECRET \
LK_INTEROP_GATEWAY_SECRET=$GATEWAY_SECRET \
  node --test --test-reporter=spec interop.test.mjs &
TEST_PID=$!
status=0
wait "$TEST_PID" || status=$?
TEST_PID=
if [ $status -ne 0 ]; then
  echo "interop tests failed; the service log is interop/.run/service.log" >&2
fi
exit $status
