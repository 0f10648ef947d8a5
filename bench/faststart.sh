#!/usr/bin/env bash
# Fast start with the JDK 25 AOT cache, measured: bench/faststart.sh
#
# 1. packages the service as Quarkus' aot-jar (every jar on the JVM's own class path, which is what
#    the AOT cache can hold) into target/aot, unless it is there already (BUILD=1 forces);
# 2. prepares the bench's own database (migrated once by the training run) and a signing key;
# 3. bench/faststart.mjs: a training run with -XX:AOTCacheOutput (the JVM writes app.aot when it
#    exits), then RUNS starts of each variant (JDK 25 with the cache, JDK 25 without, the default
#    java without), each timed from spawn to the first 200 of /q/health/ready.
# Options are environment variables; see bench/README.md, "Fast start".
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
cd "$REPO"

JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JAVA17="${JAVA17-java}"
PORT="${PORT:-18090}"
DB_NAME="${DB_NAME:-latchkey_faststart}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/3}"
BUILD="${BUILD:-auto}"
APP_DIR="$REPO/target/aot"
SCRIPT=faststart.sh
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

refuse_shared_targets
require_tools node psql openssl
[[ -x "$JAVA25" ]] || die "JAVA25=$JAVA25 is not an executable java (a JDK 25 is needed for the AOT cache)"
"$JAVA25" -XX:AOTCacheOutput=/dev/null -version >/dev/null 2>&1 \
  || die "$JAVA25 does not know -XX:AOTCacheOutput (JDK 25 or newer is needed)"
if [[ -n "$JAVA17" ]]; then
  command -v "$JAVA17" >/dev/null || die "JAVA17=$JAVA17 is not installed (JAVA17= leaves that variant out)"
fi

# 1. the aot-jar (a separate output directory: target/quarkus-app, the fast-jar, stays as it is)
if [[ "$BUILD" == 1 || ( "$BUILD" == auto && ! -f "$APP_DIR/quarkus-run.jar" ) ]]; then
  say "building the aot-jar into target/aot"
  rm -rf "$REPO/target/aot"
  ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.type=aot-jar -Dquarkus.package.output-directory=aot
  export RETRAIN=1 # a new build needs a new cache: the cache is only valid for the exact jars
fi
[[ -f "$APP_DIR/quarkus-run.jar" ]] || die "$APP_DIR/quarkus-run.jar is missing"

# 2. key and database (migrated by the training run, then only validated)
ensure_signing_key
ensure_bench_database

# 3. train and measure
export FS_APP_DIR="$APP_DIR" FS_WORK="$WORK" FS_KEY="$KEY"
export FS_RESULTS="${RESULTS:-$BENCH_DIR/results/faststart.json}"
export FS_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB_NAME"
export REDIS_URL PORT JAVA25 JAVA17
exec node "$BENCH_DIR/faststart.mjs"
