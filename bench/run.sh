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

PORT="${PORT:-18080}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
DB_NAME="${DB_NAME:-latchkey_bench}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"
RESET_DB="${RESET_DB:-1}"
BUILD="${BUILD:-auto}"
JAVA="${JAVA:-java}"
WORK="$BENCH_DIR/work"
JAR="$REPO/target/quarkus-app/quarkus-run.jar"
KEY="$WORK/signing.pem"
RESULTS="${RESULTS:-$BENCH_DIR/results/latest.json}"

say() { echo "[run.sh] $*" >&2; }
die() { echo "[run.sh] error: $*" >&2; exit 1; }

# refuse the ports and databases of dev (8080, database test) and tests (8081, schema latchkey_test)
[[ "$PORT" != 8080 && "$PORT" != 8081 ]] || die "PORT=$PORT is dev's or the tests'; pick another"
[[ "$DB_NAME" != test && "$DB_NAME" != postgres ]] || die "DB_NAME=$DB_NAME is not the bench's own database"
[[ "$REDIS_URL" =~ /[0-9]+$ && ! "$REDIS_URL" =~ /[01]$ ]] || die "REDIS_URL=$REDIS_URL must name a Redis database other than 0 (dev) and 1 (tests)"

for tool in "$JAVA" node npm psql openssl; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
JAVA_BIN_DIR="$(dirname "$(readlink -f "$(command -v "$JAVA")")")"
[[ -n "${JAVAC:-}" || -x "$JAVA_BIN_DIR/javac" ]] || command -v javac >/dev/null \
  || die "javac is not installed (the ceilings are compiled with it; a JDK is needed, not a JRE)"
command -v wrk >/dev/null || say "wrk is not installed (apt-get install -y wrk): /auth/me will be loaded from Node, which is slower"
command -v redis-cli >/dev/null || say "redis-cli is not installed: Redis database ${REDIS_URL##*/} will not be flushed first"

# nothing may already listen on the bench's port (we never stop anything we did not start)
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  die "something already listens on 127.0.0.1:$PORT; stop it or set PORT"
fi

# 1. the jar
if [[ "$BUILD" == 1 || ( "$BUILD" == auto && ! -f "$JAR" ) ]]; then
  say "building the jar (./mvnw -B -q package -DskipTests)"
  ./mvnw -B -q package -DskipTests
fi
[[ -f "$JAR" ]] || die "$JAR is missing (BUILD=0?)"

# 2. a signing key of the bench's own (PKCS#8 PEM, 2048-bit RSA, like the service's)
mkdir -p "$WORK"
chmod 700 "$WORK"
if [[ ! -f "$KEY" ]]; then
  say "generating a 2048-bit RSA signing key in ${KEY#$REPO/}"
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEY" 2>/dev/null)
fi

# 3. the load generator's one package (undici, pinned in package-lock.json)
if [[ ! -d "$BENCH_DIR/node_modules/undici" ]]; then
  say "npm ci (bench/package-lock.json)"
  (cd "$BENCH_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# 4. the bench's own database (and Redis database), fresh unless RESET_DB=0
export PGHOST PGPORT PGUSER
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
psql_q -c 'SELECT 1' >/dev/null || die "PostgreSQL at $PGHOST:$PGPORT (user $PGUSER) is not reachable"
if [[ "$RESET_DB" == 1 ]]; then
  say "recreating database $DB_NAME"
  psql_q -c "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)"
fi
if [[ -z "$(psql_q -tA -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
  psql_q -c "CREATE DATABASE \"$DB_NAME\""
fi
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
