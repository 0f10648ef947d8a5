#!/bin/bash
# Builds libargon2 (the reference implementation of argon2, phc-winner-argon2 20190702, from
# Debian's source package) three times, for the x86-64 micro-architecture levels whose SIMD path
# its opt.c compiles: x86-64-v2 (SSSE3), x86-64-v3 (AVX2), x86-64-v4 (AVX-512F). PasswordHasher
# loads the best one the CPU runs (dev.latchkey.account.Libargon2).
#   usage: tools/argon2/build.sh OUT_DIR     -> OUT_DIR/argon2/x86-64-v{2,3,4}/libargon2.so
# Why built here and not taken from a jar: the portable builds on Maven Central (argon2-jvm's, also
# Debian's libargon2) compile the generic code path and hash no faster than Bouncy Castle on this
# machine; see README, "Password hashing". The source tarball is pinned by its SHA-256 and kept in
# ~/.cache/latchkey/argon2. Where it cannot be fetched or built (no network, no gcc, not linux
# x86-64) this prints why and exits 0: the service then hashes with Bouncy Castle.
set -uo pipefail
OUT=${1:?usage: tools/argon2/build.sh OUT_DIR}
ORIG=argon2_0~20190702+dfsg.orig.tar.xz
SHA256=815f1017b5b0033204778c2e32443257274bc5d9dd16d355c4f7db8189e23dcc
CACHE=${LATCHKEY_ARGON2_CACHE:-$HOME/.cache/latchkey/argon2}
MIRROR=${LATCHKEY_DEBIAN_MIRROR:-http://deb.debian.org/debian}
LEVELS=(x86-64-v2 x86-64-v3 x86-64-v4)
skip() { echo "[argon2] not built: $*; PasswordHasher will use Bouncy Castle" >&2; exit 0; }

[ "$(uname -sm)" = "Linux x86_64" ] || skip "not linux x86-64"
command -v gcc >/dev/null || skip "no gcc"
# up to date: the three libraries exist and are newer than this script
done=1
for l in "${LEVELS[@]}"; do [ "$OUT/argon2/$l/libargon2.so" -nt "$0" ] || done=0; done
[ $done = 1 ] && exit 0

mkdir -p "$CACHE"
if ! echo "$SHA256  $CACHE/$ORIG" | sha256sum -c --status 2>/dev/null; then
  A=$(mktemp -d); trap 'rm -rf "$A"' EXIT
  mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/dl"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR sid main" > "$A/sources.list"
  APT=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
  apt-get "${APT[@]}" update >/dev/null 2>&1 || skip "apt-get update of the private source list failed"
  # only the upstream tarball is used (and checked): apt-get may fail on the Debian parts
  (cd "$A/dl" && apt-get "${APT[@]}" source --download-only argon2 > "$A/source.log" 2>&1)
  [ -f "$A/dl/$ORIG" ] || skip "no $ORIG from apt-get source argon2: $(tail -3 "$A/source.log")"
  echo "$SHA256  $A/dl/$ORIG" | sha256sum -c --status || skip "$ORIG does not have the pinned SHA-256"
  cp "$A/dl/$ORIG" "$CACHE/$ORIG"
fi

W=$(mktemp -d); trap 'rm -rf "$W" ${A:+"$A"}' EXIT
tar -xJf "$CACHE/$ORIG" -C "$W" || skip "cannot unpack $ORIG"
S=$(echo "$W"/phc-winner-argon2-*)
for l in "${LEVELS[@]}"; do
  mkdir -p "$OUT/argon2/$l"
  # the library's own sources, as its Makefile lists them, with opt.c (the SIMD path) for this level
  gcc -shared -fPIC -O3 -march="$l" -mtune=generic -pthread -fvisibility=default -I"$S/include" -I"$S/src" \
      -Wl,-soname,libargon2.so.1 -o "$OUT/argon2/$l/libargon2.so.tmp" \
      "$S/src/argon2.c" "$S/src/core.c" "$S/src/blake2/blake2b.c" "$S/src/thread.c" "$S/src/encoding.c" "$S/src/opt.c" \
    || skip "gcc failed for $l"
  # Libargon2.levels does not ask the kernel for abm (LZCNT) or movbe, which some hypervisors hide:
  # a library that uses them is not kept (gcc 12 emits none for this code)
  if objdump -d "$OUT/argon2/$l/libargon2.so.tmp" | grep -q -E $'\t(lzcnt|tzcnt|movbe) '; then
    rm -f "$OUT/argon2/$l/libargon2.so.tmp"; skip "gcc emitted lzcnt/tzcnt/movbe for $l"
  fi
  mv "$OUT/argon2/$l/libargon2.so.tmp" "$OUT/argon2/$l/libargon2.so"
done
cp "$S/LICENSE" "$OUT/argon2/LICENSE"
echo "[argon2] built libargon2 for ${LEVELS[*]} in $OUT/argon2" >&2
