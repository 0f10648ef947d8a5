#!/usr/bin/env bash
# Side by side with Keycloak 26.4, in one run on this machine: bench/keycloak.sh
#
# Fetches Keycloak's distribution (org.keycloak:keycloak-quarkus-dist, zip) from Maven Central
# through ./mvnw into bench/work/keycloak/ (git-ignored) and builds it for PostgreSQL once, builds
# Latchkey's jar if it is missing, then runs ROUNDS rounds of bench/keycloak.mjs, one server at a
# time on its own fresh database, in alternating order (round 1 Latchkey then Keycloak, round 2
# Keycloak then Latchkey, ...) so that drift of the machine's other load falls on both. Each run
# loads the same operations with the same load generator; bench/lib/keycloak-table.mjs prints
# the ranges and the Latchkey/Keycloak ratios against the targets of issue 19 and writes
# bench/results/keycloak-latest.json. Options are environment variables; see bench/README.md,
# "Side by side with Keycloak 26.4".
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
cd "$REPO"

SCRIPT=keycloak.sh
ROUNDS="${ROUNDS:-2}"
KC_VERSIONS="${KC_VERSIONS:-26.4.7 26.4.5 26.4.0}"   # the first Maven Central serves is used
JAVA_HOME_25="${JAVA_HOME_25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
PORT="${LK_PORT:-18480}"
KC_PORT="${KC_PORT:-18481}"
KC_MANAGEMENT_PORT="${KC_MANAGEMENT_PORT:-18482}"
KC_CLUSTER_PORT="${KC_CLUSTER_PORT:-18483}"
DB_NAME="${LK_DB:-latchkey_kcbench}"
KC_DB="${KC_DB:-keycloak_bench}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/11}"
BUILD="${BUILD:-auto}"
# Keycloak 26.4's kc.sh does not open java.lang, which its thread pool (jboss-threads' thread-local
# reset) needs on Java 24+: without it worker threads die with IllegalAccessError on JDK 25. The
# JVM's own message names this option; it is the only addition to kc.sh's default JVM options.
KC_JAVA_OPTS_APPEND="${KC_JAVA_OPTS_APPEND---add-opens=java.base/java.lang=ALL-UNNAMED}"
JAR="${JAR_PATH:-$REPO/target/quarkus-app/quarkus-run.jar}"
RESULTS="${RESULTS:-$BENCH_DIR/results/keycloak-latest.json}"
# 30 s of warm-up: with 10 s Keycloak's userinfo was still being compiled on this loaded 2-core
# machine (1 ms of CPU per request at c=32, 0.28 ms once it had run longer)
export CONCURRENCY="${CONCURRENCY:-32}" WARMUP="${WARMUP:-30}" DURATION="${DURATION:-12}"
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

refuse_shared_targets
[[ "$KC_DB" != "$DB_NAME" && "$KC_DB" != test && "$KC_DB" != postgres ]] || die "KC_DB=$KC_DB is not Keycloak's own database"
for p in "$KC_PORT" "$KC_MANAGEMENT_PORT" "$KC_CLUSTER_PORT"; do refuse_busy_port "$p" KC_PORT/KC_MANAGEMENT_PORT/KC_CLUSTER_PORT; done
require_tools node npm psql openssl unzip redis-cli wrk
[[ -x "$JAVA_HOME_25/bin/java" ]] || die "JAVA_HOME_25=$JAVA_HOME_25 has no bin/java (Keycloak 26 needs Java 21+; both servers run on it)"

# 1. Latchkey's jar, its JVM options as the image has them, a signing key
if [[ "$BUILD" == 1 || ( "$BUILD" == auto && ! -f "$JAR" ) ]]; then
  say "building the jar (./mvnw -B -q package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f "$JAR" ]] || die "$JAR is missing (BUILD=0?)"
# the image's JDK_JAVA_OPTIONS (src/main/docker/Dockerfile.jvm), with its /deployments (the image's
# copy of target/quarkus-app) pointed at the jar's directory; LK_JAVA_OPTS overrides
DOCKERFILE="$REPO/src/main/docker/Dockerfile.jvm"
IMAGE_OPTS="$(sed -n 's/^ENV JDK_JAVA_OPTIONS="\(.*\)"[[:space:]]*$/\1/p' "$DOCKERFILE")"
[[ -n "$IMAGE_OPTS" ]] || die "no ENV JDK_JAVA_OPTIONS=\"...\" line in ${DOCKERFILE#$REPO/}"
LK_JAVA_OPTS="${LK_JAVA_OPTS-${IMAGE_OPTS//\/deployments/$(dirname "$JAR")}}"
ensure_signing_key

# 2. Keycloak: the first of KC_VERSIONS that Maven Central serves, unpacked and built for PostgreSQL
KC_DIR="$WORK/keycloak"
mkdir -p "$KC_DIR"
KC_VERSION=""
for v in $KC_VERSIONS; do
  if [[ -x "$KC_DIR/keycloak-$v/bin/kc.sh" ]]; then KC_VERSION=$v; break; fi
  zip="$KC_DIR/keycloak-quarkus-dist-$v.zip"
  if [[ ! -f "$zip" ]]; then
    say "fetching org.keycloak:keycloak-quarkus-dist:$v:zip (./mvnw dependency:copy)"
    if ! ./mvnw -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$v:zip" \
        -DoutputDirectory="$KC_DIR" >"$KC_DIR/fetch-$v.log" 2>&1; then
      say "Keycloak $v could not be fetched (log: ${KC_DIR#$REPO/}/fetch-$v.log); trying the next version"
      continue
    fi
  fi
  unzip -q -o "$zip" -d "$KC_DIR"
  [[ -x "$KC_DIR/keycloak-$v/bin/kc.sh" ]] || die "$zip has no keycloak-$v/bin/kc.sh"
  KC_VERSION=$v
  break
done
[[ -n "$KC_VERSION" ]] || die "none of Keycloak $KC_VERSIONS could be fetched from Maven Central"
KC_HOME="$KC_DIR/keycloak-$KC_VERSION"
KC_BUILD_ARGS="--db=postgres"
if [[ "$(cat "$KC_HOME/.kcbench-build" 2>/dev/null)" != "$KC_BUILD_ARGS" ]]; then
  say "building Keycloak $KC_VERSION for PostgreSQL (kc.sh build $KC_BUILD_ARGS)"
  # shellcheck disable=SC2086 # options are words
  JAVA_HOME="$JAVA_HOME_25" "$KC_HOME/bin/kc.sh" build $KC_BUILD_ARGS >"$KC_DIR/build.log" 2>&1 \
    || die "kc.sh build failed (log: ${KC_DIR#$REPO/}/build.log)"
  echo "$KC_BUILD_ARGS" >"$KC_HOME/.kcbench-build"
fi

# 3. the load generator's one package (undici, pinned in package-lock.json)
if [[ ! -d "$BENCH_DIR/node_modules/undici" ]]; then
  say "npm ci (bench/package-lock.json)"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# 4. the rounds, in alternating order, each server on a fresh database (and Latchkey on a flushed
#    Redis database)
REDIS_HOSTPORT="${REDIS_URL#redis://}"
REDIS_HOSTPORT="${REDIS_HOSTPORT%%/*}"
export BENCH_REPO="$REPO" BENCH_WORK="$WORK" PGHOST PGPORT PGUSER
export LK_JAR="$JAR" LK_JAVA="$JAVA_HOME_25/bin/java" LK_JAVA_OPTS LK_KEY="$KEY" LK_REDIS_URL="$REDIS_URL" LK_PORT="$PORT" LK_DB="$DB_NAME"
export LK_COMMIT="$(git rev-parse --short=12 HEAD)$( [[ -n "$(git status --porcelain --untracked-files=no)" ]] && echo ' (dirty)')"
export KC_HOME KC_VERSION KC_JAVA_HOME="$JAVA_HOME_25" KC_PORT KC_MANAGEMENT_PORT KC_CLUSTER_PORT KC_DB KC_JAVA_OPTS_APPEND
say "Latchkey $LK_COMMIT on port $PORT with: $LK_JAVA_OPTS"
say "Keycloak $KC_VERSION on port $KC_PORT with kc.sh's default JVM options plus: ${KC_JAVA_OPTS_APPEND:-nothing}"
mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
FILES=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 == 1 )); then order="latchkey keycloak"; else order="keycloak latchkey"; fi
  for target in $order; do
    if [[ $target == latchkey ]]; then
      ensure_database "$DB_NAME" fresh >/dev/null || die "cannot recreate database $DB_NAME"
      redis-cli -h "${REDIS_HOSTPORT%%:*}" -p "${REDIS_HOSTPORT##*:}" -n "${REDIS_URL##*/}" FLUSHDB >/dev/null \
        || die "Redis at $REDIS_HOSTPORT is not reachable"
    else
      ensure_database "$KC_DB" fresh >/dev/null || die "cannot recreate database $KC_DB"
    fi
    out="$BENCH_DIR/results/keycloak-$STAMP-$round-$target.json"
    say "round $round of $ROUNDS: $target"
    TARGET=$target ROUND=$round BENCH_RESULTS="$out" node "$BENCH_DIR/keycloak.mjs"
    FILES+=("$out")
  done
done
node "$BENCH_DIR/lib/keycloak-table.mjs" "$RESULTS" "${FILES[@]}"
