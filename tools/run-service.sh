#!/usr/bin/env bash
# The one way every script starts the packaged service (tools/proof.sh, bench/, scaleout/):
# the JVM jar by default, or the native executable when LK_ARTIFACT names it. It replaces itself
# with the service (exec), so the caller's child process is the service itself: signals reach it
# and the caller can time it. Settings come from the caller's environment (QUARKUS_*, LATCHKEY_*).
#
#   LK_ARTIFACT    the jar (default target/quarkus-app/quarkus-run.jar) or a native *-runner
#   LK_JAVA        the java to run a jar with (default: java on the PATH)
#   LK_JAVA_OPTS   JVM options, space-separated (default none)
#   LK_NATIVE_OPTS options for a native executable, space-separated (default none)
#   LK_FAKETIME    run under Debian's faketime with this offset (e.g. +15s): a proof's clock-skewed instance
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ARTIFACT=${LK_ARTIFACT:-$ROOT/target/quarkus-app/quarkus-run.jar}
[ -e "$ARTIFACT" ] || { echo "run-service.sh: $ARTIFACT does not exist (./mvnw package first)" >&2; exit 2; }
SKEW=()
if [ -n "${LK_FAKETIME:-}" ]; then
  # libfaketime preloaded into the service itself (the faketime command would fork it, and a signal
  # to the caller's child would no longer reach the service)
  LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
  [ -n "$LIB" ] || { echo "run-service.sh: LK_FAKETIME needs libfaketime (apt-get install faketime)" >&2; exit 2; }
  # FAKETIME_FORCE_MONOTONIC_FIX=0: with it on (0.9.10's default), libfaketime converts the
  # deadline of every pthread_cond_timedwait as if it were wall-clock time, but the JVM waits on
  # CLOCK_MONOTONIC: each timed wait returns at once, the JVM's own threads (G1, sweeper, periodic
  # task) spin on both cores, and the instance took 60-95 s to start and timed out on Redis
  # (libfaketime issues 425 and 503). Off, waits last as long as asked and the wall clock is still skewed.
  SKEW=(env LD_PRELOAD="$LIB" FAKETIME="$LK_FAKETIME" DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0)
fi
case "$ARTIFACT" in
  *.jar)
    # shellcheck disable=SC2086 # options are words
    exec "${SKEW[@]}" "${LK_JAVA:-java}" ${LK_JAVA_OPTS:-} -jar "$ARTIFACT" ;;
  *)
    # shellcheck disable=SC2086
    exec "${SKEW[@]}" "$ARTIFACT" ${LK_NATIVE_OPTS:-} ;;
esac
