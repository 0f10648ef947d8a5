#!/usr/bin/env bash
# Builds Latchkey's container images with podman and proves each one by running it as it would run
# in production: a non-root user, a read-only root file system (a tmpfs on /tmp only), the signing
# key mounted as a secret file, the local PostgreSQL and Redis through --network host.
#
# For each image: build, start (timed: container start -> first 200 of /q/health/ready), the
# smoke flow register -> login -> refresh -> /auth/me -> logout with curl, no WARN or ERROR line in
# its log, SIGTERM -> exit within 10 s; then the measurements (size, start in wall-clock and CPU time,
# memory idle, after the flow and after a burst of logins). The JVM image is built from
# target/quarkus-app (packaged if missing); both native images only when a native executable
# (target/*-runner) exists.
#
# No registry is reachable from our machines, so the base images are made here (once, then kept):
# a Debian 12 minbase (debootstrap, podman import) for the native images, and the same with Debian's
# JRE 17 for the JVM image. The Dockerfiles' defaults stay the public UBI / Quarkus micro images.
#
# Run as root (podman as Debian packages it, with runc; installed if missing):
#   tools/images.sh
# Settings (environment): IMAGES="jvm native native-micro" (which to build and run), STARTS=3 (timed
# starts per image; the first runs the smoke flow), REBUILD=1 (re-package the jar),
# REBUILD_BASES=1 (make the base images again).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/proof.sh
source tools/proof.sh   # log, build_jar_if_missing, refuse_ports_in_use; ensure_database, throwaway_key

# ---- our share of the machine -------------------------------------------------------------------
declare -A PORT=([jvm]=18601 [native]=18602 [native-micro]=18603)
DATABASE=latchkey_images
REDIS_DB=10
IMAGES=${IMAGES:-jvm native native-micro}
STARTS=${STARTS:-3}
LOGINS=${LOGINS:-64}
STOP_BUDGET_S=10          # SIGTERM -> exited; Kubernetes' grace period is 30 s, ours is stricter
READY_BUDGET_S=120
STATE=target/images       # the throwaway signing key, the containers' logs
SECRET=latchkey-images-signing-key
CONFIG_SECRET=latchkey-images-config
SECRET_GID=185           # as fsGroup in deploy/kubernetes: the secrets' group, mode 0440, owner root
BASE_MIN=localhost/latchkey-base:debian12-minbase
BASE_JRE=localhost/latchkey-base:debian12-jre17

export CONTAINERS_CONF="$PWD/tools/images/containers.conf"

# ---- bookkeeping: everything this run started is removed on exit ----------------------------------
CONTAINERS=()
TMP_DIRS=()
PROBLEMS=()
cleanup() {
  local c
  for c in "${CONTAINERS[@]}"; do
    podman rm -f -t 0 "$c" >/dev/null 2>&1 || true
  done
  podman secret rm "$SECRET" "$CONFIG_SECRET" >/dev/null 2>&1 || true
  for c in "${TMP_DIRS[@]}"; do rm -rf "$c"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "FAILED: $*" >&2; exit 1; }
problem() { echo "PROBLEM: $*" >&2; PROBLEMS+=("$*"); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
mib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }

# ---- tools --------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  [ -x /usr/sbin/runc ] || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v jq >/dev/null || missing+=(jq)
  command -v curl >/dev/null || missing+=(curl)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v redis-cli >/dev/null || missing+=(redis-tools)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (Debian's packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  [ "$(id -u)" = 0 ] || die "run as root: podman here runs containers as root (with runc)"
}

# ---- base images: made here, kept in podman's store ---------------------------------------------
make_base_images() {
  if [ -n "${REBUILD_BASES:-}" ]; then podman rmi -f "$BASE_JRE" "$BASE_MIN" >/dev/null 2>&1 || true; fi
  if podman image exists "$BASE_MIN"; then
    echo "base image $BASE_MIN: kept from an earlier run"
  else
    log "making $BASE_MIN (debootstrap --variant=minbase bookworm, then podman import)"
    local dir
    dir=$(mktemp -d /var/tmp/latchkey-rootfs.XXXXXX)
    TMP_DIRS+=("$dir")
    if ! debootstrap --variant=minbase bookworm "$dir/root" >"$STATE/debootstrap.log" 2>&1; then
      tail -20 "$STATE/debootstrap.log" >&2
      die "debootstrap failed (log: $STATE/debootstrap.log)"
    fi
    # slim it as Debian's own slim images are: no documentation but the copyrights, no man pages or
    # translations (now and for whatever is installed later), no package lists or downloaded
    # packages, and none of this machine's files (debootstrap copies its resolv.conf and hostname)
    cat >"$dir/root/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
    find "$dir/root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    find "$dir/root/usr/share/doc" -mindepth 1 -type d -empty -delete
    rm -rf "$dir/root/usr/share/man/"* "$dir/root/usr/share/info/"* "$dir/root/usr/share/locale/"* \
      "$dir/root/usr/share/lintian/"* "$dir/root/var/lib/apt/lists/"* "$dir/root/var/cache/apt/"*.bin \
      "$dir/root/var/cache/apt/archives/"*.deb "$dir/root/var/log/"*.log "$dir/root/etc/resolv.conf" \
      "$dir/root/etc/hostname"
    tar -C "$dir/root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . \
      | podman import -q \
          --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
          --change 'CMD ["/bin/bash"]' \
          --change 'LABEL org.opencontainers.image.description="Debian 12 minbase (debootstrap), made by Latchkey tools/images.sh"' \
          - "$BASE_MIN" >/dev/null
    rm -rf "$dir"
  fi
  if podman image exists "$BASE_JRE"; then
    echo "base image $BASE_JRE: kept from an earlier run"
  else
    log "making $BASE_JRE ($BASE_MIN with Debian's openjdk-17-jre-headless)"
    podman_build "$STATE/base-jre.build.log" --network host --build-arg BASE_IMAGE="$BASE_MIN" \
      -f tools/images/Containerfile.jre -t "$BASE_JRE" tools/images
  fi
}

# podman_build LOG ARGS...: podman build that never pulls (no registry is reachable), its output in LOG
podman_build() {
  local out=$1
  shift
  if ! podman build --pull=never "$@" >"$out" 2>&1; then
    tail -30 "$out" >&2
    die "podman build $* failed (log: $out)"
  fi
}

# ---- one image ------------------------------------------------------------------------------------
# build_image NAME DOCKERFILE BASE
build_image() {
  log "building localhost/latchkey:$1 ($2, base $3)"
  podman_build "$STATE/$1.build.log" --build-arg BASE_IMAGE="$3" -f "$2" -t "localhost/latchkey:$1" .
}

# api METHOD PATH: sets STATUS and BODY
# api_json METHOD PATH JSON: the JSON body on curl's standard input
# api_auth METHOD PATH HEADER [FORM]: the header on curl's standard input, FORM (nothing secret) as -d
# Tokens and secrets travel on curl's standard input, never in its arguments, and are never printed.
api() { api_out "$(curl -s -m 10 -X "$1" -w '\n%{http_code}' "http://localhost:$CURRENT_PORT$2")"; }
api_json() {
  api_out "$(printf '%s' "$3" | curl -s -m 10 -X "$1" -H 'content-type: application/json' --data-binary @- \
    -w '\n%{http_code}' "http://localhost:$CURRENT_PORT$2")"
}
api_auth() {
  local form=()
  if [ -n "${4:-}" ]; then form=(-d "$4"); fi
  api_out "$(printf '%s\n' "$3" | curl -s -m 10 -X "$1" -H @- "${form[@]}" -w '\n%{http_code}' \
    "http://localhost:$CURRENT_PORT$2")"
}
api_out() { STATUS=${1##*$'\n'}; BODY=${1%$'\n'*}; }

# check_status WHAT STATUS: fails the run unless the last api call answered STATUS (prints the error code only)
check_status() {
  if [ "$STATUS" != "$2" ]; then
    problem "$CURRENT: $1 answered $STATUS, expected $2 ($(jq -r '.error? // empty' <<<"$BODY" 2>/dev/null))"
    return 1
  fi
  echo "  ok  $1: $STATUS"
}

smoke_flow() {
  local user password access refresh access2 refresh2 basic
  user="img$(openssl rand -hex 6)"
  password=$(openssl rand -base64 18)   # a throwaway account's, never printed
  json() { jq -cn --arg u "$1" --arg p "$2" '{username: $u, password: $p}'; }
  refresh_json() { jq -cn --arg t "$1" '{refresh_token: $t}'; }

  api GET /q/health/started; check_status "GET /q/health/started (the startup probe)" 200 || return 1
  api GET /q/health/live; check_status "GET /q/health/live (the liveness probe)" 200 || return 1
  api GET /.well-known/jwks.json; check_status "GET /.well-known/jwks.json" 200 || return 1
  [ "$(jq '.keys | length' <<<"$BODY")" -ge 1 ] || { problem "$CURRENT: the JWKS has no key"; return 1; }
  # a password on the common-password list: the list (a resource of the jar/executable) is in the image
  api_json POST /auth/register "$(json "$user" '1qaz2wsx3edc')"
  check_status "POST /auth/register with a common password refused" 400 || return 1
  api_json POST /auth/register "$(json "$user" "$password")"; check_status "POST /auth/register" 201 || return 1
  api_json POST /auth/login "$(json "$user" "$password")"; check_status "POST /auth/login" 200 || return 1
  access=$(jq -r .access_token <<<"$BODY"); refresh=$(jq -r .refresh_token <<<"$BODY")
  api_json POST /auth/refresh "$(refresh_json "$refresh")"; check_status "POST /auth/refresh" 200 || return 1
  access2=$(jq -r .access_token <<<"$BODY"); refresh2=$(jq -r .refresh_token <<<"$BODY")
  if [ "$refresh2" = "$refresh" ] || [ "$access2" = "$access" ]; then problem "$CURRENT: refresh did not rotate"; return 1; fi
  api_auth GET /auth/me "authorization: Bearer $access2"; check_status "GET /auth/me" 200 || return 1
  [ "$(jq -r .username <<<"$BODY")" = "$user" ] || { problem "$CURRENT: /auth/me named another user"; return 1; }
  api_json POST /auth/logout "$(refresh_json "$refresh2")"; check_status "POST /auth/logout" 204 || return 1
  # after logout: the access token is denied (Redis denylist) and the refresh token is dead (PostgreSQL)
  api_auth GET /auth/me "authorization: Bearer $access2"; check_status "GET /auth/me after logout" 401 || return 1
  api_json POST /auth/refresh "$(refresh_json "$refresh2")"
  check_status "POST /auth/refresh after logout" 401 || return 1
  # the client declared in config/application.properties of the working directory (mounted): the
  # service's user can read it there
  basic=$(printf 'images:%s' "$CLIENT_SECRET" | base64 -w0)
  api_auth POST /oauth2/token "authorization: Basic $basic" grant_type=client_credentials
  check_status "POST /oauth2/token, client from config/application.properties" 200 || return 1
  SMOKE_USER=$user SMOKE_PASSWORD=$password
}

# login_burst: LOGINS logins of the smoke flow's user, 4 at a time, for the memory under load
# (argon2id: 19 MiB per verification, as many at once as there are cores; more than 5 logins of one
# user at once would meet the throttle, which counts attempts before checking them). The body, with
# the throwaway password, is in a private file, never printed.
login_burst() {
  local dir codes
  dir=$(mktemp -d)
  TMP_DIRS+=("$dir")
  jq -cn --arg u "$SMOKE_USER" --arg p "$SMOKE_PASSWORD" '{username: $u, password: $p}' >"$dir/body"
  codes=$(seq 1 "$LOGINS" | xargs -P 4 -I{} curl -s -m 30 -o /dev/null -w '%{http_code}\n' \
    -H 'content-type: application/json' --data-binary @"$dir/body" "http://localhost:$CURRENT_PORT/auth/login")
  rm -rf "$dir"
  if [ "$(grep -c '^200$' <<<"$codes")" != "$LOGINS" ]; then
    problem "$CURRENT: the burst of $LOGINS logins answered $(sort <<<"$codes" | uniq -c | xargs)"
    return 1
  fi
  echo "  ok  $LOGINS logins, 4 at a time: 200"
}

# migrations_applied: the schema history the image's Flyway wrote, against the migrations in the source
migrations_applied() {
  local applied expected
  applied=$(psql -h 127.0.0.1 -U postgres -tAc "SELECT count(*) FROM flyway_schema_history WHERE success" "$DATABASE")
  # SQL migrations and the Java ones (quarkus.flyway.locations names both)
  expected=$(find src/main/resources/db/migration src/main/java/dev/latchkey/db/migration \
    \( -name 'V*__*.sql' -o -name 'V*__*.java' \) 2>/dev/null | wc -l)
  if [ "$applied" != "$expected" ]; then
    problem "$CURRENT: $applied migrations applied in $DATABASE, $expected in the source (db/migration, SQL and Java)"
    return 1
  fi
  echo "  ok  a new database, migrated by the image's Flyway: $applied of $expected migrations"
}

# memory PID CGROUP_PATH: "VmRSS MiB / cgroup working set MiB" (working set = usage minus inactive
# file pages, what the kubelet and `kubectl top` count against the limit)
memory() {
  local rss ws=n/a usage inactive dir
  rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status")
  if [ -r "/sys/fs/cgroup/memory$2/memory.usage_in_bytes" ]; then           # cgroup v1
    dir="/sys/fs/cgroup/memory$2"
    usage=$(cat "$dir/memory.usage_in_bytes")
    inactive=$(awk '$1 == "total_inactive_file" { print $2 }' "$dir/memory.stat")
    ws=$(mib $(( usage - inactive )))
  elif [ -r "/sys/fs/cgroup$2/memory.current" ]; then                         # cgroup v2
    dir="/sys/fs/cgroup$2"
    usage=$(cat "$dir/memory.current")
    inactive=$(awk '$1 == "inactive_file" { print $2 }' "$dir/memory.stat")
    ws=$(mib $(( usage - inactive )))
  fi
  echo "$rss $ws"
}

# cpu_ms CGROUP_PATH: CPU time the container has used so far (ms), less sensitive than the wall clock
# to what else the machine runs
cpu_ms() {
  if [ -r "/sys/fs/cgroup/cpuacct$1/cpuacct.usage" ]; then                   # cgroup v1, ns
    echo $(( $(cat "/sys/fs/cgroup/cpuacct$1/cpuacct.usage") / 1000000 ))
  elif [ -r "/sys/fs/cgroup$1/cpu.stat" ]; then                               # cgroup v2, us
    awk '$1 == "usage_usec" { printf "%d", $2 / 1000 }' "/sys/fs/cgroup$1/cpu.stat"
  else
    echo n/a
  fi
}

# memory_peak CGROUP_PATH: the most the container's cgroup has held (MiB; page cache included)
memory_peak() {
  local f
  for f in "/sys/fs/cgroup/memory$1/memory.max_usage_in_bytes" "/sys/fs/cgroup$1/memory.peak"; do
    if [ -r "$f" ]; then mib "$(cat "$f")"; return; fi
  done
  echo n/a
}

# prove NAME: run the image STARTS times; the first start also runs the smoke flow and is measured
prove() {
  local name=$1 image="localhost/latchkey:$1" user uid workdir ctr pid cgroup t0 ms i code stop_ms
  local cpu starts=() cpus=() started_in=() idle="" after="" loaded="" peak="" lines
  CURRENT=$name
  CURRENT_PORT=${PORT[$name]}
  user=$(podman image inspect -f '{{.Config.User}}' "$image")
  case "$user" in ''|0|root|0:*|root:*) problem "$name: the image runs as root (USER '$user')"; return ;; esac
  workdir=$(podman image inspect -f '{{.Config.WorkingDir}}' "$image")
  case "$workdir" in ''|/) problem "$name: the image sets no working directory (config/ would be /config)"; return ;; esac
  for i in $(seq 1 "$STARTS"); do
    refuse_ports_in_use "$CURRENT_PORT"
    if [ "$i" = 1 ]; then
      # a new database every time: the image's own Flyway migrations make the schema
      ensure_database "$DATABASE" fresh
      redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null   # our Redis database only: the throttling counters
    fi
    ctr="latchkey-images-$name-$i"
    podman rm -f -t 0 "$ctr" >/dev/null 2>&1 || true
    CONTAINERS+=("$ctr")
    podman create --name "$ctr" --network host \
      --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,nosuid,nodev,noexec,size=64m,mode=1777 \
      --cap-drop ALL --security-opt no-new-privileges --memory 768m \
      --group-add "$SECRET_GID" \
      --secret "$SECRET,type=mount,target=/keys/signing.pem,uid=0,gid=$SECRET_GID,mode=0440" \
      --secret "$CONFIG_SECRET,type=mount,target=${workdir%/}/config/application.properties,uid=0,gid=$SECRET_GID,mode=0440" \
      -e QUARKUS_HTTP_PORT="$CURRENT_PORT" \
      -e QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://127.0.0.1:5432/$DATABASE" \
      -e QUARKUS_DATASOURCE_USERNAME=postgres \
      -e QUARKUS_REDIS_HOSTS="redis://127.0.0.1:6379/$REDIS_DB" \
      -e LATCHKEY_SIGNING_KEY_LOCATION=/keys/signing.pem \
      -e LATCHKEY_ISSUER="http://localhost:$CURRENT_PORT" \
      -e QUARKUS_SHUTDOWN_TIMEOUT=10s \
      "$image" >/dev/null
    t0=$(now_ms)
    podman start "$ctr" >/dev/null
    pid=$(podman inspect -f '{{.State.Pid}}' "$ctr")
    cgroup=$(podman inspect -f '{{.State.CgroupPath}}' "$ctr")
    ms=
    while [ $(( $(now_ms) - t0 )) -lt $(( READY_BUDGET_S * 1000 )) ] && kill -0 "$pid" 2>/dev/null; do
      if curl -fs -m 1 -o /dev/null "http://localhost:$CURRENT_PORT/q/health/ready"; then
        ms=$(( $(now_ms) - t0 )); cpu=$(cpu_ms "$cgroup"); break
      fi
      sleep 0.1
    done
    podman logs "$ctr" >"$STATE/$ctr.log" 2>&1 || true
    if [ -z "$ms" ]; then
      tail -30 "$STATE/$ctr.log" >&2
      if kill -0 "$pid" 2>/dev/null; then
        problem "$name: not ready within ${READY_BUDGET_S} s (start $i; log: $STATE/$ctr.log)"
      else
        problem "$name: exited before it was ready (start $i; log: $STATE/$ctr.log)"
      fi
      return
    fi
    starts+=("$ms")
    cpus+=("$cpu")
    started_in+=("$(grep -o 'started in [0-9.]*s' "$STATE/$ctr.log" | head -1 | cut -d' ' -f3)")
    echo "start $i: ready ${ms} ms after podman start, ${cpu} ms of CPU (Quarkus: started in ${started_in[-1]}; machine load $(cut -d' ' -f1 /proc/loadavg))"

    if [ "$i" = 1 ]; then
      # what the kernel says about the running process: its user and its root file system
      uid=$(awk '/^Uid:/ { print $3 }' "/proc/$pid/status")   # the effective user id
      [ "$uid" != 0 ] || problem "$name: the service runs as root"
      awk '$5 == "/" { exit ($6 ~ /^ro/ ? 0 : 1) }' "/proc/$pid/mountinfo" \
        || problem "$name: the root file system is writable"
      echo "  ok  runs as uid $uid, root file system read-only"
      migrations_applied || true
      sleep 5
      idle=$(memory "$pid" "$cgroup")
      SMOKE_USER=
      smoke_flow || true
      sleep 2
      after=$(memory "$pid" "$cgroup")
      echo "  /tmp (tmpfs) in use after the flow: $(du -sk "/proc/$pid/root/tmp" | cut -f1) KiB"
      if [ -n "${SMOKE_USER:-}" ]; then login_burst || true; fi
      sleep 2
      loaded=$(memory "$pid" "$cgroup")
      peak=$(memory_peak "$cgroup")
    fi

    # SIGTERM, as Kubernetes and `podman stop` send it: the service must be gone within the budget
    t0=$(now_ms)
    podman kill --signal TERM "$ctr" >/dev/null
    while kill -0 "$pid" 2>/dev/null && [ $(( $(now_ms) - t0 )) -lt $(( STOP_BUDGET_S * 1000 )) ]; do sleep 0.05; done
    stop_ms=$(( $(now_ms) - t0 ))
    code=timeout
    kill -0 "$pid" 2>/dev/null || code=$(timeout 10 podman wait "$ctr" 2>/dev/null) || code=unknown
    podman logs "$ctr" >"$STATE/$ctr.log" 2>&1 || true
    if [ "$code" = timeout ]; then
      problem "$name: still running ${STOP_BUDGET_S} s after SIGTERM"
    else
      echo "  ok  SIGTERM: exited with status $code after ${stop_ms} ms"
      case "$code" in 0|143) ;; *) problem "$name: exit status $code after SIGTERM" ;; esac
    fi
    # no WARN or ERROR line, nor a JVM warning, in the whole log (start, flow, shutdown)
    lines=$(grep -E '^[0-9-]+ [0-9:,.]+ +(WARN|ERROR|FATAL) |[Ww]arning:' "$STATE/$ctr.log" || true)
    if [ -n "$lines" ]; then
      problem "$name: WARN/ERROR in the log of start $i ($STATE/$ctr.log):"
      cut -c1-300 <<<"$lines" | sed 's/^/    /' >&2
    fi
    # who signs the access tokens: native code in the JVM image (its library loads from lib/native,
    # /tmp being noexec), the JDK in the native executables
    signer=$(grep -o 'access tokens are signed (RS256) by [A-Za-z]*' "$STATE/$ctr.log" | head -1 | awk '{print $NF}')
    expected_signer=$([ "$name" = jvm ] && echo AmazonCorrettoCryptoProvider || echo the)
    if [ "$signer" = "$expected_signer" ]; then
      [ "$i" = 1 ] && echo "  ok  RS256 signed by $([ "$signer" = the ] && echo 'the JDK' || echo "$signer")"
    else
      problem "$name: access tokens signed by '${signer:-?}', expected '$expected_signer' ($STATE/$ctr.log)"
    fi
    podman rm -f -t 0 "$ctr" >/dev/null
  done
  RESULTS+=("$name|$(podman image inspect -f '{{.Size}}' "$image")|${starts[*]}|${cpus[*]}|${started_in[*]}|$idle|$after|$loaded|$peak")
}

# ---- the run --------------------------------------------------------------------------------------
mkdir -p "$STATE"
ensure_tools
throwaway_key "$STATE/signing.pem"
# a confidential client in config/application.properties, as an operator would mount it
CLIENT_SECRET=$(openssl rand -hex 24)
podman secret rm "$SECRET" "$CONFIG_SECRET" >/dev/null 2>&1 || true
podman secret create "$SECRET" "$STATE/signing.pem" >/dev/null
printf 'latchkey.clients.images.secret=%s\nlatchkey.clients.images.grants=client_credentials\n' "$CLIENT_SECRET" \
  | podman secret create "$CONFIG_SECRET" - >/dev/null
make_base_images

RESULTS=()
RUNNER=$(find target -maxdepth 1 -name '*-runner' -type f 2>/dev/null | head -1)
for name in $IMAGES; do
  case "$name" in
    jvm)
      build_jar_if_missing "${REBUILD:-}"
      build_image jvm src/main/docker/Dockerfile.jvm "$BASE_JRE"
      ;;
    native|native-micro)
      if [ -z "$RUNNER" ]; then
        log "SKIPPED localhost/latchkey:$name: no native executable (target/*-runner); build it with ./mvnw package -Dnative"
        continue
      fi
      build_image "$name" "src/main/docker/Dockerfile.$name" "$BASE_MIN"
      ;;
    *) die "unknown image '$name' in IMAGES (jvm, native, native-micro)" ;;
  esac
  log "running localhost/latchkey:$name on port ${PORT[$name]} ($STARTS starts)"
  prove "$name"
done

log "measurements (base images made here: $BASE_JRE for jvm, $BASE_MIN for native)"
printf '%-13s %8s %8s  %-24s %-24s %-24s %s\n' image size "of base" "ready after start" "CPU until ready" \
  "Quarkus started in" "memory, MiB: RSS/WS idle, after flow, after logins; peak"
for row in "${RESULTS[@]}"; do
  IFS='|' read -r name size starts cpus started idle after loaded peak <<<"$row"
  base=$BASE_MIN; [ "$name" = jvm ] && base=$BASE_JRE
  printf '%-13s %5s MB %5s MB  %-24s %-24s %-24s %s, %s, %s; %s\n' "$name" "$(( size / 1000000 ))" \
    "$(( $(podman image inspect -f '{{.Size}}' "$base") / 1000000 ))" "${starts// /, } ms" "${cpus// /, } ms" \
    "${started// /, }" "${idle/ //}" "${after/ //}" "${loaded/ //}" "$peak"
done
echo "ready after start: podman start -> first 200 of /q/health/ready (the first start migrates a new database);"
echo "CPU until ready: the container's cgroup CPU time then (user + system, all threads)."
echo "RSS: VmRSS of the service's process (/proc/<pid>/status on the host); WS: its container's cgroup working"
echo "set (usage minus inactive file pages, as the kubelet counts it); idle is 5 s after ready, 'after logins'"
echo "after $LOGINS logins 4 at a time; peak: the cgroup's maximum usage (page cache included)."

if [ ${#PROBLEMS[@]} -gt 0 ]; then
  log "tools/images.sh: ${#PROBLEMS[@]} problem(s)"
  printf '  - %s\n' "${PROBLEMS[@]}" >&2
  exit 1
fi
log "tools/images.sh: every image built, ran and passed"
