#!/usr/bin/env bash
# Scale-out proof: two instances of the packaged service behind HAProxy (round robin, no
# stickiness), a mixed flow through the balancer and against each instance, and a rolling key
# rotation across both that logs nobody out. Exit code = the tests'.
#
#   scaleout/run.sh                           build the jar if missing, then run
#   LK_SCALEOUT_REBUILD=1 scaleout/run.sh     rebuild the jar first
#
# Needs: JDK 17+, Node 20+, HAProxy (Debian package haproxy), PostgreSQL and Redis on localhost.
# Uses ports 18380 (balancer), 18381 and 18382, database latchkey_scaleout and Redis db 5.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN_DIR=$ROOT/scaleout/.run   # git-ignored: throwaway keys, logs, the HAProxy config

export LK_SCALEOUT_LB_PORT=${LK_SCALEOUT_LB_PORT:-18380}
export LK_SCALEOUT_PORT_ONE=${LK_SCALEOUT_PORT_ONE:-18381}
export LK_SCALEOUT_PORT_TWO=${LK_SCALEOUT_PORT_TWO:-18382}
export LK_SCALEOUT_DB=${LK_SCALEOUT_DB:-latchkey_scaleout}
export LK_SCALEOUT_REDIS=${LK_SCALEOUT_REDIS:-redis://127.0.0.1:6379/5}
export LK_SCALEOUT_JAR=$ROOT/target/quarkus-app/quarkus-run.jar
export LK_SCALEOUT_RUN_DIR=$RUN_DIR

# shellcheck source=../tools/proof.sh
source tools/proof.sh

command -v haproxy >/dev/null || { echo "haproxy is missing: apt-get install -y haproxy" >&2; exit 2; }

build_jar_if_missing "${LK_SCALEOUT_REBUILD:-}"
npm_ci_if_needed scaleout

rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
for key in a b; do
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN_DIR/key-$key.pem" 2>/dev/null
  openssl pkey -in "$RUN_DIR/key-$key.pem" -pubout -out "$RUN_DIR/key-$key.pub.pem"
  chmod 600 "$RUN_DIR/key-$key.pem"
done

ensure_database "$LK_SCALEOUT_DB"
refuse_ports_in_use "$LK_SCALEOUT_LB_PORT" "$LK_SCALEOUT_PORT_ONE" "$LK_SCALEOUT_PORT_TWO"

log "running scaleout/scaleout.test.mjs (the test starts and stops the instances and HAProxy)"
cd scaleout
trap on_signal INT TERM
run_test node --test --test-reporter=spec --test-timeout=300000 scaleout.test.mjs
if [ $TEST_STATUS -ne 0 ]; then
  echo "scale-out tests failed; logs are in scaleout/.run/" >&2
fi
exit $TEST_STATUS
