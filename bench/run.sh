#!/usr/bin/env bash
# The Latchkey benchmark, one command from a fresh clone: bench/run.sh
#
# Builds the jar if it is missing, makes a signing key in bench/work/ (git-ignored), installs the
# load generator's npm package, recreates the bench's own database, then runs bench/bench.mjs,
# which measures the ceilings, starts the service, loads it, stops it, prints the table and writes
# bench/results/latest.json. Options are environment variables; see bench/README.md.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
cd "$REPO"

SCRIPT=run.sh
PORT="${PORT:-18080}"
DB_NAME="${DB_NAME:-latchkey_bench}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"
RESET_DB="${RESET_DB:-1}"
BUILD="${BUILD:-auto}"
JAVA="${JAVA:-java}"
JAR="${JAR_PATH:-$REPO/target/quarkus-app/quarkus-run.jar}"
RESULTS="${RESULTS:-$BENCH_DIR/results/latest.json}"
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

refuse_shared_targets
require_tools "$JAVA" node npm psql openssl
JAVA_BIN_DIR="$(dirname "$(readlink -f "$(command -v "$JAVA")")")"
[[ -n "${JAVAC:-}" || -x "$JAVA_BIN_DIR/javac" ]] || command -v javac >/dev/null \
  || die "javac is not installed (the ceilings are compiled with it; a JDK is needed, not a JRE)"
command -v wrk >/dev/null || say "wrk is not installed (apt-get install -y wrk): /auth/me will be loaded from Node, which is slower"
command -v redis-cli >/dev/null || say "redis-cli is not installed: Redis database ${REDIS_URL##*/} will not be flushed first"

# 1. the jar
if [[ "$BUILD" == 1 || ( "$BUILD" == auto && ! -f "$JAR" ) ]]; then
  say "building the jar (./mvnw -B -q package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f "$JAR" ]] || die "$JAR is missing (BUILD=0?)"

# 2. a signing key of the bench's own
ensure_signing_key

# 3. the load generator's one package (undici, pinned in package-lock.json)
if [[ ! -d "$BENCH_DIR/node_modules/undici" ]]; then
  say "npm ci (bench/package-lock.json)"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# 4. the bench's own database (and Redis database), fresh unless RESET_DB=0
if [[ "$RESET_DB" == 1 ]]; then ensure_bench_database fresh; else ensure_bench_database; fi
if command -v redis-cli >/dev/null && [[ "$RESET_DB" == 1 ]]; then
  REDIS_HOSTPORT="${REDIS_URL#redis://}"
  REDIS_HOSTPORT="${REDIS_HOSTPORT%%/*}"
  redis-cli -h "${REDIS_HOSTPORT%%:*}" -p "${REDIS_HOSTPORT##*:}" -n "${REDIS_URL##*/}" FLUSHDB >/dev/null \
    || die "Redis at $REDIS_HOSTPORT is not reachable"
fi

# 5. the benchmark itself
export BENCH_REPO="$REPO" BENCH_WORK="$WORK" BENCH_JAR="$JAR" BENCH_KEY="$KEY" BENCH_RESULTS="$RESULTS"
export BENCH_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB_NAME"
export PORT REDIS_URL JAVA DB_NAME
exec node "$BENCH_DIR/bench.mjs"
