#!/usr/bin/env bash
# Interoperability proof: well-known client libraries nobody on this project wrote (openid-client,
# jose) against the packaged service in prod mode. Exit code = the tests'.
#
#   interop/run.sh                        build the jar if missing, start the service, test, stop it
#   LK_INTEROP_REBUILD=1 interop/run.sh   rebuild the jar first (after changing the server)
#   LK_ARTIFACT=target/latchkey-1.0.0-SNAPSHOT-runner interop/run.sh   against the native executable
#
# Needs: JDK 17+, Node 20+, PostgreSQL and Redis on localhost (trust auth, user postgres), as for
# ./mvnw verify. Uses port 18280, database latchkey_interop and Redis db 4 unless told otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PORT=${LK_INTEROP_PORT:-18280}
WEBHOOK_PORT=${LK_INTEROP_WEBHOOK_PORT:-18281}   # the test's own webhook receiver
DB=${LK_INTEROP_DB:-latchkey_interop}
REDIS=${LK_INTEROP_REDIS:-redis://127.0.0.1:6379/4}
# The refresh grace window, short so that the reuse test waits 1 s instead of the default 10 s.
GRACE_SECONDS=1
RUN_DIR=$ROOT/interop/.run   # git-ignored: the throwaway signing key and the service log

# shellcheck source=../tools/proof.sh
source tools/proof.sh

build_jar_if_missing "${LK_INTEROP_REBUILD:-}"
npm_ci_if_needed interop
mkdir -p "$RUN_DIR"
throwaway_key "$RUN_DIR/signing.pem"
fresh_state "$DB" "$REDIS"
refuse_ports_in_use "$PORT" "$WEBHOOK_PORT"

# Two confidential clients with fresh secrets for this run: "reports" gets tokens for itself
# (client_credentials), "gateway" may only introspect and revoke. The "-" is deliberate:
# openid-client form-urlencodes Basic credentials (RFC 6749 §2.3.1), so it travels as "%2D" and
# the service has to decode it.
REPORTS_SECRET=reports-$(openssl rand -hex 20)
GATEWAY_SECRET=gateway-$(openssl rand -hex 20)
# Events go to the test's receiver, signed with a fresh Standard Webhooks secret.
WEBHOOK_SECRET=whsec_$(openssl rand -base64 32)

# Every request comes from 127.0.0.1 and the throttling counters live in Redis between runs:
# the per-address limits are raised (as in the test profile) so that running this in a loop
# never meets a 429. The per-username-and-address limit stays as in production.
LATCHKEY_REFRESH_GRACE=${GRACE_SECONDS}s \
LATCHKEY_REGISTRATION_MAX_PER_ADDRESS=100000 \
LATCHKEY_LOGIN_MAX_FAILURES_PER_ADDRESS=100000 \
LATCHKEY_CLIENTS_REPORTS_SECRET=$REPORTS_SECRET \
LATCHKEY_CLIENTS_REPORTS_GRANTS=client_credentials \
LATCHKEY_CLIENTS_REPORTS_SCOPES='reports:read reports:write' \
LATCHKEY_CLIENTS_GATEWAY_SECRET=$GATEWAY_SECRET \
LATCHKEY_WEBHOOK_URL=http://127.0.0.1:$WEBHOOK_PORT/hooks/latchkey \
LATCHKEY_WEBHOOK_SECRET=$WEBHOOK_SECRET \
  start_service "$PORT" "$DB" "$REDIS" "$RUN_DIR/signing.pem" "$RUN_DIR/service.log"
wait_until_ready "$PORT"
assert_quiet_start

log "running interop/interop.test.mjs"
cd interop
LK_INTEROP_ISSUER=http://localhost:$PORT \
LK_INTEROP_GRACE_SECONDS=$GRACE_SECONDS \
LK_INTEROP_REPORTS_SECRET=$REPORTS_SECRET \
LK_INTEROP_GATEWAY_SECRET=$GATEWAY_SECRET \
LK_INTEROP_WEBHOOK_PORT=$WEBHOOK_PORT \
LK_INTEROP_WEBHOOK_SECRET=$WEBHOOK_SECRET \
  run_test node --test --test-reporter=spec interop.test.mjs
if [ $TEST_STATUS -ne 0 ]; then
  echo "interop tests failed; the service log is interop/.run/service.log" >&2
fi
exit $TEST_STATUS
