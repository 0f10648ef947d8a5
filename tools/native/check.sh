#!/bin/bash
# Unit-level check of Latchkey's SVM C libraries (tools/native/clib, jvm, container):
#  1. the CPU features our cpuid code detects match the flags the kernel reports in /proc/cpuinfo
#     (one the kernel is too old to list must be detected by HotSpot too, see HostFeatures.java);
#  2. the run-time checks (CPU mask, locale, time zone, signals, container, helpers) behave;
#  3. every header the svm jar's @CContexts name compiles, and every struct field and constant it
#     queries resolves (the contract is read from svm.jar with javap, not written by hand);
#  4. every @CFunction of the image's Linux/amd64 classes resolves in libc/libz/libm, our libraries or
#     the home's static JDK libraries (strlcpy excepted: glibc 2.36 lacks it, only Darwin paths call it).
# usage: tools/native/check.sh [graalvm-home]   (default: the cached current home, for svm.jar and jvm.h)
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
GH=${1:-${LATCHKEY_NATIVE_CACHE:-$HOME/.cache/latchkey/native}/current}
TEMURIN=${LATCHKEY_TEMURIN:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR=$GH/lib/svm/builder/svm.jar
[ -f "$JAR" ] || { echo "no svm.jar in $GH: run tools/native/graalvm-home.sh first" >&2; exit 1; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
pass=0; fail=0
ok() { echo "ok   $*"; pass=$((pass+1)); }
ko() { echo "FAIL $*"; fail=$((fail+1)); }

# build the libraries from the sources (not from the home: the sources are what is checked)
CC=(gcc -c -O2 -fPIC -Wall -Werror -std=gnu11)
mkdir -p "$W/o"
for f in "$HERE"/clib/src/*.c; do "${CC[@]}" -I"$HERE/clib/include" -o "$W/o/$(basename "${f%.c}").o" "$f" || ko "compile $f"; done
ar rcs "$W/liblibchelper.a" "$W"/o/*.o
# jvm.c is compiled against the JDK's jvm.h, which graalvm-home.sh keeps in the home
"${CC[@]}" -I"$GH/lib/svm/clibraries/linux-amd64/glibc/jvm-include" -I"$TEMURIN/include" -I"$TEMURIN/include/linux" \
  -o "$W/jvm.o" "$HERE/jvm/jvm.c" || ko "compile jvm.c"
ar rcs "$W/libjvm.a" "$W/jvm.o"
"${CC[@]}" -Wno-format-truncation -o "$W/container.o" "$HERE/container/container.c" && ar rcs "$W/libsvm_container.a" "$W/container.o" \
  || ko "compile container.c"

# 1 and 2
gcc -O2 -Wall -I"$HERE/clib/include" -o "$W/t" "$HERE/check/test_clib.c" -L"$W" -llibchelper -ljvm -lsvm_container || ko "link test_clib"
"$W/t" > "$W/out"
while read -r status rest; do
  case $status in ok) ok "$rest";; FAIL) ko "$rest";; info) echo "     $rest";; esac
done < "$W/out"
# expected value of each feature from /proc/cpuinfo flags (the kernel hides what the OS does not enable)
FLAGS=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { case "$FLAGS" in *" $1 "*) echo 1;; *) echo 0;; esac; }
avx512=$(has avx512f)
expect() { # feature -> 0/1 from the flags
  case $1 in
    CX8) has cx8;; CMOV) has cmov;; FXSR) has fxsr;; HT) has ht;; MMX) has mmx;; AMD_3DNOW_PREFETCH) has 3dnowprefetch;;
    SSE) has sse;; SSE2) has sse2;; SSE3) has pni;; SSSE3) has ssse3;; SSE4A) has sse4a;; SSE4_1) has sse4_1;; SSE4_2) has sse4_2;;
    POPCNT) has popcnt;; LZCNT) has abm;; TSC) has tsc;; TSCINV|TSCINV_BIT) [ "$(has constant_tsc)$(has nonstop_tsc)" = 11 ] && echo 1 || echo 0;;
    AVX|VZEROUPPER) has avx;; AVX2) has avx2;; AES) has aes;; ERMS) has erms;; CLMUL) has pclmulqdq;; BMI1) has bmi1;; BMI2) has bmi2;;
    RTM) has rtm;; ADX) has adx;; AVX512F) has avx512f;; AVX512DQ) has avx512dq;; AVX512PF) has avx512pf;; AVX512ER) has avx512er;;
    AVX512CD) has avx512cd;; AVX512BW) has avx512bw;; AVX512VL) has avx512vl;; SHA) has sha_ni;; FMA) has fma;;
    AVX512_VPOPCNTDQ) has avx512_vpopcntdq;; AVX512_VPCLMULQDQ) [ $avx512 = 1 ] && has vpclmulqdq || echo 0;;
    AVX512_VAES) [ $avx512 = 1 ] && has vaes || echo 0;; AVX512_VNNI) has avx512_vnni;; FLUSH) has clflush;; FLUSHOPT) has clflushopt;;
    CLWB) has clwb;; AVX512_VBMI2) has avx512_vbmi2;; AVX512_VBMI) has avx512vbmi;; HV) has hypervisor;; SERIALIZE) has serialize;;
    RDTSCP) has rdtscp;; RDPID) has rdpid;; FSRM) has fsrm;; GFNI) has gfni;; AVX512_BITALG) has avx512_bitalg;; PKU) has pku;;
    OSPKE) has ospke;; CET_IBT) has ibt;; CET_SS) has user_shstk;; F16C) has f16c;; AVX512_IFMA) has avx512ifma;; AVX_IFMA) has avx_ifma;;
    APX_F) has apx;; SHA512) has sha512;; AVX512_FP16) has avx512_fp16;; AVX10_1|AVX10_2) has avx10;;
    *) echo "?";;
  esac; }
# A kernel older than a feature does not list it (Debian 12's 6.1 knows no avx10): a feature we
# detect that /proc/cpuinfo lacks is accepted only if HotSpot, read through JVMCI, detects it too.
hotspot() {
  [ -f "$W/hotspot" ] || "$TEMURIN/bin/java" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --add-modules jdk.internal.vm.ci \
    --add-exports jdk.internal.vm.ci/jdk.vm.ci.amd64=ALL-UNNAMED --add-exports jdk.internal.vm.ci/jdk.vm.ci.runtime=ALL-UNNAMED \
    --add-exports jdk.internal.vm.ci/jdk.vm.ci.code=ALL-UNNAMED "$HERE/check/HostFeatures.java" > "$W/hotspot" 2> "$W/hotspot.err" \
    || { echo "     HotSpot's features unreadable: $(head -c 300 "$W/hotspot.err")"; : > "$W/hotspot"; }
  grep -qx "$1" "$W/hotspot"; }
mism=(); n=0
while read -r kind name value; do
  [ "$kind" = feature ] || continue; n=$((n+1))
  e=$(expect "$name")
  if [ "$e" = 0 ] && [ "$value" = 1 ] && hotspot "$name"; then
    echo "     $name: not in /proc/cpuinfo (kernel $(uname -r)), detected by HotSpot too"; continue
  fi
  [ "$e" = "$value" ] || mism+=("$name: detected $value, /proc/cpuinfo says $e")
done < "$W/out"
if [ ${#mism[@]} = 0 ]; then ok "all $n CPU features match /proc/cpuinfo ($(awk '$1=="feature" && $3==1 {printf "%s ", $2}' "$W/out"))"
else for m in "${mism[@]}"; do ko "cpu feature $m"; done; fi

# 3: headers and the struct fields / constants svm.jar queries
python3 "$HERE/check/svm_contract.py" "$TEMURIN/bin/javap" "$JAR" "$W/contract" 2> "$W/contract.log" || ko "read svm.jar contract"
if gcc -c -Wall -Werror -I"$HERE/clib/include" -o "$W/contract.o" "$W/contract/contract.c" 2> "$W/contract.err"; then
  ok "headers compile and resolve what svm.jar queries: $(cat "$W/contract.log")"
else ko "headers against svm.jar: $(head -5 "$W/contract.err")"; fi
for h in "$HERE"/clib/include/*.h; do
  echo "#include \"$(basename "$h")\"" | gcc -xc -c -Wall -Werror -I"$HERE/clib/include" -o /dev/null - && ok "header $(basename "$h") compiles alone" \
    || ko "header $(basename "$h")"
done

# 4: every C function the image may call exists
{ for l in /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libm.so.6; do nm -D --defined-only "$l"; done
  nm --defined-only "$W"/*.a "$GH"/lib/static/linux-amd64/glibc/*.a; } 2>/dev/null | awk 'NF>=3 {sub(/@.*/, "", $3); print $3}' | sort -u > "$W/defined"
missing=$(awk '{print $2}' "$W/contract/functions.txt" | sort -u | comm -23 - "$W/defined" | grep -v -x -E 'rt|Java_.*|strlcpy' | tr '\n' ' ')
# Java_* natives are in the static JDK libraries of the home; check those too when it has them
jmissing=$(awk '$2 ~ /^Java_/ {print $2}' "$W/contract/functions.txt" | sort -u \
  | comm -23 - <(nm --defined-only "$GH"/lib/static/linux-amd64/glibc/*.a 2>/dev/null | awk 'NF>=3{print $3}' | sort -u) | tr '\n' ' ')
[ -z "$missing$jmissing" ] && ok "all $(wc -l < "$W/contract/functions.txt") @CFunctions resolve" || ko "@CFunctions without a definition: $missing $jmissing"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
