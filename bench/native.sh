#!/usr/bin/env bash
# The native executable beside the JVM jar, in one run: bench/native.sh
#
# 1. starts: each variant STARTS times (default 5), interleaved, from spawn to the first 200 of
#    /q/health/ready, with the RSS at that moment (bench/faststart.mjs with FS_VARIANTS);
# 2. load: bench/run.sh once per variant and round (the order alternates each round, so that the
#    machine's other load falls on both alike): login, refresh, /auth/me and logout at concurrency
#    8 and 32, RSS at idle, after the load and after IDLE_AFTER seconds of idle, the artifact's size;
# 3. the table side by side (bench/lib/native.mjs), and bench/results/native-*.json.
#
# Needs both artifacts: target/quarkus-app/quarkus-run.jar (./mvnw package) and the native
# executable (./mvnw package -Pnative, after tools/native/graalvm-home.sh). Options:
#   RUNNER=target/latchkey-*-runner   JAR_PATH=target/quarkus-app/quarkus-run.jar
#   JAVA_OPTS="-XX:+UseParallelGC -Xmx64m -XX:TrimNativeHeapInterval=5000"   (the JVM image's)
#   NATIVE_OPTS="-Xmx64m"             (the native image's; see README "Native executable")
#   STARTS=5 ROUNDS=1 OPS="login refresh me logout" CONCURRENCY="8 32" WARMUP DURATION IDLE_AFTER=30
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
cd "$REPO"

SCRIPT=native.sh
PORT="${PORT:-18080}"
DB_NAME="${DB_NAME:-latchkey_bench}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"
JAR="${JAR_PATH:-$REPO/target/quarkus-app/quarkus-run.jar}"
RUNNER="${RUNNER:-$(ls "$REPO"/target/*-runner 2>/dev/null | head -1)}"
export JAVA_OPTS="${JAVA_OPTS:--XX:+UseParallelGC -Xmx64m -XX:TrimNativeHeapInterval=5000}"
export NATIVE_OPTS="${NATIVE_OPTS:--Xmx64m}"
STARTS="${STARTS:-5}"
ROUNDS="${ROUNDS:-1}"
# shellcheck source=lib/common.sh
source "$BENCH_DIR/lib/common.sh"

refuse_shared_targets
require_tools java node psql openssl
[[ -f "$JAR" ]] || die "$JAR is missing (./mvnw -B package -DskipTests)"
[[ -n "$RUNNER" && -x "$RUNNER" ]] || die "no native executable in target/ (tools/native/graalvm-home.sh, then ./mvnw -B package -Pnative -DskipTests) or RUNNER="

ensure_signing_key
ensure_bench_database fresh
mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)

# 1. starts (the database is migrated by the first start, then only validated)
say "starts: $STARTS of each, interleaved"
FS_VARIANTS=$(node -e '
  const [jar, runner, jvm, nat] = process.argv.slice(1);
  const words = (s) => s.split(/\s+/).filter(Boolean);
  console.log(JSON.stringify([
    { name: "native executable", artifact: runner, java: "", args: words(nat) },
    { name: "JVM (java -jar)", artifact: jar, java: "java", args: words(jvm) }]));' \
  "$JAR" "$RUNNER" "$JAVA_OPTS" "$NATIVE_OPTS")
FS_VARIANTS="$FS_VARIANTS" FS_WORK="$WORK" FS_KEY="$KEY" FS_RESULTS="$BENCH_DIR/results/native-$STAMP-starts.json" \
  FS_JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB_NAME" REDIS_URL="$REDIS_URL" PORT="$PORT" RUNS="$STARTS" \
  TARGET_MS="${TARGET_MS:-100}" node "$BENCH_DIR/faststart.mjs"

# 2. load, alternating the order each round
FILES=()
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order="jvm native"; else order="native jvm"; fi
  for variant in $order; do
    artifact=$JAR; [[ $variant == native ]] && artifact=$RUNNER
    out="$BENCH_DIR/results/native-$STAMP-$round-$variant.json"
    say "round $round: $variant"
    JAR_PATH="$artifact" RESULTS="$out" BUILD=0 "$BENCH_DIR/run.sh" >/dev/null
    FILES+=("$out")
  done
done

# 3. side by side
node "$BENCH_DIR/lib/native.mjs" "$BENCH_DIR/results/native-$STAMP-starts.json" "${FILES[@]}" | tee "$BENCH_DIR/results/native-$STAMP.txt"
