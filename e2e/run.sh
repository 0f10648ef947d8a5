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

# shellcheck source=../tools/proof.sh
source tools/proof.sh

[ -x "$CHROMIUM" ] || { echo "no Chromium at $CHROMIUM: apt-get install -y chromium" >&2; exit 2; }

build_jar_if_missing "${LK_E2E_REBUILD:-}"
npm_ci_if_needed e2e

mkdir -p "$RUN_DIR" "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.png   # this run's screenshots only
throwaway_key "$RUN_DIR/signing.pem"
fresh_state "$DB" "$REDIS"
refuse_ports_in_use "$PORT" "$FOREIGN_PORT" "$ALLOWED_PORT"

LATCHKEY_ALLOWED_ORIGINS=http://localhost:$ALLOWED_PORT \
  start_service "$PORT" "$DB" "$REDIS" "$RUN_DIR/signing.pem" "$ARTIFACTS/service.log"
wait_until_ready "$PORT"
assert_quiet_start

log "running e2e/spa.test.mjs"
cd e2e
LK_E2E_BASE_URL=http://localhost:$PORT LK_E2E_FOREIGN_PORT=$FOREIGN_PORT LK_E2E_ALLOWED_PORT=$ALLOWED_PORT \
  LK_E2E_CHROMIUM=$CHROMIUM run_test node --test --test-reporter=spec spa.test.mjs
if [ $TEST_STATUS -ne 0 ]; then
  echo "e2e failed; screenshots and the service log are in e2e/artifacts/" >&2
fi
exit $TEST_STATUS
