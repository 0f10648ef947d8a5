# The set-up every script that runs the packaged service needs (sourced, not run): its own
# database on the local PostgreSQL, and a throwaway signing key. Shared by tools/proof.sh (the
# e2e, interop and scale-out proofs, dev mode's smoke start) and bench/lib/common.sh.

# ensure_database NAME [fresh]: the database NAME on $PGHOST:$PGPORT as $PGUSER (trust auth);
# dropped and made anew first with "fresh"
ensure_database() {
  local name=$1 psql_q=(psql -X -q -v ON_ERROR_STOP=1 -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}"
    -U "${PGUSER:-postgres}" -d postgres)
  if ! "${psql_q[@]}" -c 'SELECT 1' >/dev/null; then
    echo "PostgreSQL at ${PGHOST:-127.0.0.1}:${PGPORT:-5432} (user ${PGUSER:-postgres}) is not reachable" >&2
    return 1
  fi
  if [ "${2:-}" = fresh ]; then
    "${psql_q[@]}" -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
  fi
  if [ -z "$("${psql_q[@]}" -tA -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    "${psql_q[@]}" -c "CREATE DATABASE \"$name\""
  fi
}

# throwaway_key FILE: a 2048-bit RSA signing key (PKCS#8 PEM, mode 600) whose tokens never leave
# the run; kept if FILE exists
throwaway_key() {
  if [ ! -f "$1" ]; then
    mkdir -p "$(dirname "$1")"
    (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null)
  fi
}
