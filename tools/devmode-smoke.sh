#!/usr/bin/env bash
# Dev mode must keep working as the README's first command: start `./mvnw quarkus:dev` on a spare
# port against its own database and Redis database, wait for readiness, register and log in with
# curl, then stop it. Run by .ci/run, so dev mode can never break silently (it needs artifacts,
# e.g. the Dev UI, that a build and the tests never resolve).
#
#   tools/devmode-smoke.sh        port 18090, database latchkey_devmode, Redis db 6
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${LK_DEVMODE_PORT:-18090}
DB=${LK_DEVMODE_DB:-latchkey_devmode}
REDIS=${LK_DEVMODE_REDIS:-redis://127.0.0.1:6379/6}
LOG=target/devmode-smoke.log

# shellcheck source=proof.sh
source tools/proof.sh
ensure_database "$DB"
refuse_ports_in_use "$PORT"
mkdir -p target

log "starting ./mvnw quarkus:dev on port $PORT"
# its own session, so that stopping it stops Maven and the application JVM it forked
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB QUARKUS_REDIS_HOSTS=$REDIS \
  setsid ./mvnw -B quarkus:dev -Dquarkus.http.port="$PORT" -Ddebug=false -Dquarkus.console.enabled=false \
  >"$LOG" 2>&1 </dev/null &
DEV_PID=$!
stop_dev() {
  if kill -0 "$DEV_PID" 2>/dev/null; then
    kill -TERM -- -"$DEV_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$DEV_PID" 2>/dev/null || return 0; sleep 1; done
    kill -KILL -- -"$DEV_PID" 2>/dev/null || true
  fi
}
trap stop_dev EXIT

ready=
for _ in $(seq 1 300); do
  kill -0 "$DEV_PID" 2>/dev/null || break
  if curl -fsS "http://localhost:$PORT/q/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 1
done
if [ -z "$ready" ]; then
  echo "dev mode did not become ready; the end of $LOG:" >&2
  tail -40 "$LOG" >&2
  exit 1
fi

H='content-type: application/json'
USERNAME=devmode-$(date +%s)-$$
PASSWORD='correct horse battery staple'
curl -fsS -XPOST "http://localhost:$PORT/auth/register" -H "$H" \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" >/dev/null
ACCESS=$(curl -fsS -XPOST "http://localhost:$PORT/auth/login" -H "$H" \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -fsS "http://localhost:$PORT/auth/me" -H "authorization: Bearer $ACCESS" | grep -q "\"username\":\"$USERNAME\""
log "dev mode served register, login and /auth/me on port $PORT"
