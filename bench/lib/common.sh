# Shared by bench/run.sh and bench/faststart.sh (sourced, not run): PostgreSQL settings, messages,
# the guards that keep the bench off dev's and the tests' port, database and Redis database, the
# bench's signing key, and its database.
#
# The caller sets BENCH_DIR, REPO, SCRIPT (its name, for messages), PORT, DB_NAME and REDIS_URL.

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
export PGHOST PGPORT PGUSER
WORK="$BENCH_DIR/work"
# shellcheck source=../../tools/setup.sh
source "$REPO/tools/setup.sh"
KEY="$WORK/signing.pem"

say() { echo "[$SCRIPT] $*" >&2; }
die() { echo "[$SCRIPT] error: $*" >&2; exit 1; }

# refuse the ports and databases of dev (8080, database test, Redis db 0) and tests (8081,
# schema latchkey_test, Redis db 1), and a port something already listens on (we never stop
# anything we did not start)
refuse_shared_targets() {
  [[ "$PORT" != 8080 && "$PORT" != 8081 ]] || die "PORT=$PORT is dev's or the tests'; pick another"
  [[ "$DB_NAME" != test && "$DB_NAME" != postgres ]] || die "DB_NAME=$DB_NAME is not the bench's own database"
  [[ "$REDIS_URL" =~ /[0-9]+$ && ! "$REDIS_URL" =~ /[01]$ ]] \
    || die "REDIS_URL=$REDIS_URL must name a Redis database other than 0 (dev) and 1 (tests)"
  refuse_busy_port "$PORT" PORT
}

# refuse_busy_port PORT [VARIABLE]: stop if something already listens on 127.0.0.1:PORT
refuse_busy_port() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    die "something already listens on 127.0.0.1:$1; stop it or set ${2:-PORT}"
  fi
}

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
  done
}

# a signing key of the bench's own (PKCS#8 PEM, 2048-bit RSA, like the service's), in bench/work/
ensure_signing_key() {
  mkdir -p "$WORK"
  chmod 700 "$WORK"
  [[ -f "$KEY" ]] || say "generating a 2048-bit RSA signing key in ${KEY#$REPO/}"
  throwaway_key "$KEY"
}


# the bench's own database; recreated first when the argument is "fresh" (tools/setup.sh)
ensure_bench_database() {
  [[ "${1:-}" != fresh ]] || say "recreating database $DB_NAME"
  ensure_database "$DB_NAME" "${1:-}" || die "cannot prepare database $DB_NAME"
}
