#!/usr/bin/env bash
# Scale-out proof: two instances of the packaged service behind HAProxy (round robin, no
# stickiness), a mixed flow through the balancer and against each instance, two instances whose
# clocks are 15 s apart (faketime), and a rolling key rotation across both that logs nobody out;
# then the cross-instance flows again on a 3-master Redis Cluster. Exit code = the tests'.
#
#   scaleout/run.sh                           build the jar if missing, then run
#   LK_SCALEOUT_REBUILD=1 scaleout/run.sh     rebuild the jar first
#
# Needs: JDK 17+, Node 20+, HAProxy and faketime (Debian packages), PostgreSQL and Redis on
# localhost, redis-server (for the cluster). Uses ports 18380 (balancer), 18381 and 18382,
# 18391-18393 (the cluster's nodes), database latchkey_scaleout, and Redis db 5.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RUN_DIR=$ROOT/scaleout/.run   # git-ignored: throwaway keys, logs, the HAProxy config

export LK_SCALEOUT_LB_PORT=${LK_SCALEOUT_LB_PORT:-18380}
export LK_SCALEOUT_PORT_ONE=${LK_SCALEOUT_PORT_ONE:-18381}
export LK_SCALEOUT_PORT_TWO=${LK_SCALEOUT_PORT_TWO:-18382}
export LK_SCALEOUT_DB=${LK_SCALEOUT_DB:-latchkey_scaleout}
export LK_SCALEOUT_REDIS=${LK_SCALEOUT_REDIS:-redis://127.0.0.1:6379/5}
CLUSTER_PORTS=(${LK_SCALEOUT_CLUSTER_PORTS:-18391 18392 18393})
export LK_SCALEOUT_JAR=$ROOT/target/quarkus-app/quarkus-run.jar
export LK_SCALEOUT_RUN_DIR=$RUN_DIR

# shellcheck source=../tools/proof.sh
source tools/proof.sh

command -v haproxy >/dev/null || { echo "haproxy is missing: apt-get install -y haproxy" >&2; exit 2; }
command -v faketime >/dev/null || { echo "faketime is missing: apt-get install -y faketime" >&2; exit 2; }

build_jar_if_missing "${LK_SCALEOUT_REBUILD:-}"
npm_ci_if_needed scaleout

rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"
for key in a b; do
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN_DIR/key-$key.pem" 2>/dev/null
  openssl pkey -in "$RUN_DIR/key-$key.pem" -pubout -out "$RUN_DIR/key-$key.pub.pem"
  chmod 600 "$RUN_DIR/key-$key.pem"
done

fresh_state "$LK_SCALEOUT_DB" "$LK_SCALEOUT_REDIS"
refuse_ports_in_use "$LK_SCALEOUT_LB_PORT" "$LK_SCALEOUT_PORT_ONE" "$LK_SCALEOUT_PORT_TWO" "${CLUSTER_PORTS[@]}"

# a 3-master Redis Cluster of our own on loopback (Debian's redis-server in cluster mode)
stop_cluster() {
  for port in "${CLUSTER_PORTS[@]}"; do redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; done
}
start_cluster() {
  local port nodes=()
  for port in "${CLUSTER_PORTS[@]}"; do
    mkdir -p "$RUN_DIR/cluster-$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 5000 --save "" --appendonly no --dir "$RUN_DIR/cluster-$port" --daemonize yes \
      --logfile "$RUN_DIR/cluster-$port/redis.log"
    nodes+=("127.0.0.1:$port")
  done
  for port in "${CLUSTER_PORTS[@]}"; do
    for _ in $(seq 1 50); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$RUN_DIR/cluster-create.log" 2>&1
  for _ in $(seq 1 100); do
    redis-cli -p "${CLUSTER_PORTS[0]}" cluster info | grep -q 'cluster_state:ok' && return 0
    sleep 0.1
  done
  echo "the Redis Cluster did not become ready; see scaleout/.run/cluster-create.log" >&2
  exit 1
}

log "running scaleout/scaleout.test.mjs on one Redis server (the test starts and stops the instances and HAProxy)"
cd scaleout
trap on_signal INT TERM
run_test node --test --test-reporter=spec --test-timeout=300000 scaleout.test.mjs
if [ $TEST_STATUS -ne 0 ]; then
  echo "scale-out tests failed; logs are in scaleout/.run/" >&2
  exit $TEST_STATUS
fi

log "running scaleout/scaleout.test.mjs on a 3-master Redis Cluster (ports ${CLUSTER_PORTS[*]})"
trap 'stop_cluster' EXIT
start_cluster
CLUSTER_URLS=$(printf 'redis://127.0.0.1:%s,' "${CLUSTER_PORTS[@]}")
LK_SCALEOUT_REDIS_CLUSTER=1 LK_SCALEOUT_REDIS=${CLUSTER_URLS%,} \
  run_test node --test --test-reporter=spec --test-timeout=300000 scaleout.test.mjs
if [ $TEST_STATUS -ne 0 ]; then
  echo "scale-out tests on the Redis Cluster failed; logs are in scaleout/.run/" >&2
fi
exit $TEST_STATUS
