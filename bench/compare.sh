#!/usr/bin/env bash
# Side by side, in one run: the service at another commit (BASE, default the one before the
# durable revocation: issue 13) against this checkout, for the operations a change may slow
# (default refresh and /auth/me), alternating old/new ROUNDS times so that the machine's other
# load falls on both alike. Prints each run and the new/old ratio range of throughput, p99 and
# service CPU per request; writes bench/results/compare-*.json.
#
#   bench/compare.sh                       BASE=1d0893a OPS="refresh me" ROUNDS=2
#   BASE=<commit> OPS="refresh me logout" ROUNDS=3 bench/compare.sh
#
# Other options as for bench/run.sh (CONCURRENCY, WARMUP, DURATION, JAVA_OPTS, ...).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH_DIR/.." && pwd)"
cd "$REPO"
BASE=${BASE:-1d0893a}
ROUNDS=${ROUNDS:-2}
export OPS=${OPS:-refresh me}
export CONCURRENCY=${CONCURRENCY:-8 32}
export WARMUP=${WARMUP:-10}
export DURATION=${DURATION:-15}

say() { echo "[compare.sh] $*" >&2; }

# the jar of this checkout, and the jar of BASE in a worktree of its own (built once, kept)
if [[ ! -f target/quarkus-app/quarkus-run.jar ]]; then
  say "building this checkout's jar"
  ./mvnw -B -q package -DskipTests
fi
BASE_SHA=$(git rev-parse --short "$BASE")
BASE_DIR="$BENCH_DIR/work/base-$BASE_SHA"
if [[ ! -f "$BASE_DIR/target/quarkus-app/quarkus-run.jar" ]]; then
  say "building the jar of $BASE_SHA in ${BASE_DIR#$REPO/}"
  rm -rf "$BASE_DIR"
  git worktree add --detach -f "$BASE_DIR" "$BASE_SHA" >/dev/null
  (cd "$BASE_DIR" && ./mvnw -B -q package -DskipTests)
fi

# the ceilings of both variants from this checkout's libraries (an old commit may lack one)
export CEILINGS_APP_DIR=${CEILINGS_APP_DIR:-$REPO/target/quarkus-app}
mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
FILES=()
for round in $(seq 1 "$ROUNDS"); do
  for variant in base new; do
    if [[ $variant == base ]]; then jar="$BASE_DIR/target/quarkus-app/quarkus-run.jar"; else jar="$REPO/target/quarkus-app/quarkus-run.jar"; fi
    out="$BENCH_DIR/results/compare-$STAMP-$round-$variant.json"
    say "round $round: $variant ($( [[ $variant == base ]] && echo "$BASE_SHA" || git rev-parse --short HEAD))"
    JAR_PATH="$jar" RESULTS="$out" BUILD=0 "$BENCH_DIR/run.sh" >/dev/null
    FILES+=("$out")
  done
done
node "$BENCH_DIR/lib/compare.mjs" "${FILES[@]}"
