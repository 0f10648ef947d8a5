#!/usr/bin/env bash
# End-to-end test of the SPA demo page: the packaged service in prod mode, Debian's Chromium, and
# playwright-core driving it. Exit code = the test's.
#
#   e2e/run.sh                     build the jar if missing, start the service, test, stop it
#   LK_E2E_REBUILD=1 e2e/run.sh    rebuild the jar first (after changing the page or the server)
#
# Needs: JDK 17+, Node 20+, /usr/bin/chromium (apt-get install -y chromium), PostgreSQL and Redis
# on localhost (trust auth, user postgres), as for ./mvnw verify.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PORT=${LK_E2E_PORT:-18180}                  # the service
FOREIGN_PORT=${LK_E2E_FOREIGN_PORT:-18181}  # a page on an origin that is NOT allowed
ALLOWED_PORT=${LK_E2E_ALLOWED_PORT:-18182}  # a page on an origin that is allowed (CORS, cookie mode)
DB=${LK_E2E_DB:-latchkey_e2e}
REDIS=${LK_E2E_REDIS:-redis://127.0.0.1:6379/3}
CHROMIUM=${LK_E2E_CHROMIUM:-/usr/bin/chromium}
RUN_DIR=$ROOT/e2e/.run            # git-ignored: the throwaway signing key
ARTIFACTS=$ROOT/e2e/artifacts     # git-ignored: screenshots and the service log

log() { printf '\n== %s\n' "$*"; }

[ -x "$CHROMIUM" ] || { echo "no Chromium at $CHROMIUM: apt-get install -y chromium" >&2; exit 2; }

if [ -n "${LK_E2E_REBUILD:-}" ] || [ ! -f target/quarkus-app/quarkus-run.jar ]; then
  log "building the service (./mvnw package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi

if [ ! -d e2e/node_modules/playwright-core ]; then
  log "npm ci"
  (cd e2e && npm ci --no-audit --no-fund)
fi

mkdir -p "$RUN_DIR" "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png   # this run's screenshots only
if [ ! -f "$RUN_DIR/signing.pem" ]; then
  # a throwaway key: tokens of this service never leave the test
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN_DIR/signing.pem" 2>/dev/null
  chmod 600 "$RUN_DIR/signing.pem"
fi

psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" postgres | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" postgres

for p in "$PORT" "$FOREIGN_PORT" "$ALLOWED_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p is already in use; set LK_E2E_PORT / LK_E2E_FOREIGN_PORT / LK_E2E_ALLOWED_PORT" >&2
    exit 2
  fi
done

log "starting the service on http://localhost:$PORT"
SERVICE_LOG=$ARTIFACTS/service.log
QUARKUS_HTTP_PORT=$PORT \
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
QUARKUS_DATASOURCE_USERNAME=postgres \
QUARKUS_REDIS_HOSTS=$REDIS \
LATCHKEY_SIGNING_KEY_LOCATION=$RUN_DIR/signing.pem \
LATCHKEY_ISSUER=http://localhost:$PORT \
LATCHKEY_ALLOWED_ORIGINS=http://localhost:$ALLOWED_PORT \
  java -jar target/quarkus-app/quarkus-run.jar >"$SERVICE_LOG" 2>&1 &
SERVICE_PID=$!

stop_service() {
  if kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID"
    for _ in $(seq 1 30); do kill -0 "$SERVICE_PID" 2>/dev/null || return 0; sleep 0.5; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
  fi
}
# On INT/TERM stop the test first (Playwright then closes Chromium), then the EXIT trap stops the service.
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

log "running e2e/spa.test.mjs"
cd e2e
# in the background and waited for, so that a signal reaches on_signal at once, not after the test
LK_E2E_BASE_URL=http://localhost:$PORT LK_E2E_FOREIGN_PORT=$FOREIGN_PORT LK_E2E_ALLOWED_PORT=$ALLOWED_PORT \
  LK_E2E_CHROMIUM=$CHROMIUM node --test --test-reporter=spec spa.test.mjs &
TEST_PID=$!
status=0
wait "$TEST_PID" || status=$?
TEST_PID=
if [ $status -ne 0 ]; then
  echo "e2e failed; screenshots and the service log are in e2e/artifacts/" >&2
fi
exit $status
