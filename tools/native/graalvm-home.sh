#!/bin/bash
# Latchkey's native-image toolchain: assembles a GraalVM home (JDK 25 + the GraalVM 25.0.2 image
# builder) on a machine that has neither GraalVM/Mandrel nor a container engine, from
#   - Temurin 25 (/usr/lib/jvm/temurin-25-jdk-amd64, which has JVMCI), copied;
#   - the builder jars on Maven Central (org.graalvm.nativeimage:svm:25.0.2 and dependencies);
#   - static JDK libraries (libjava.a, libnio.a, ...) compiled from Debian's OpenJDK source package;
#   - two pieces written here: our SVM C libraries (clib/, jvm/, container/) and our native-image
#     driver (driver/). See README.md beside this file.
#
# usage: tools/native/graalvm-home.sh [dir]
#   Without dir, the home goes to ${LATCHKEY_NATIVE_CACHE:-$HOME/.cache/latchkey/native}/<hash>/graalvm-home,
#   where <hash> is the hash of this toolchain's own files, and ${cache}/current points to it (that is
#   what the pom's native profile uses). A home that is already complete for the same hash is reused
#   in seconds. The last line printed is the home's path.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TEMURIN=${LATCHKEY_TEMURIN:-/usr/lib/jvm/temurin-25-jdk-amd64}
GV=25.0.2
CACHE=${LATCHKEY_NATIVE_CACHE:-$HOME/.cache/latchkey/native}
t() { echo "[$(date +%T)] $*" >&2; }

# The toolchain's identity: every file that goes into the home (not README, check.sh, patches).
HASH=$(cd "$HERE" && find graalvm-home.sh builder clib jvm container driver -type f | LC_ALL=C sort \
       | xargs sha256sum | sha256sum | cut -c1-16)
if [ $# -ge 1 ]; then GH=$(mkdir -p "$1" && cd "$1" && pwd); else GH=$CACHE/$HASH/graalvm-home; fi
if [ -f "$GH/.latchkey-toolchain" ] && [ "$(cat "$GH/.latchkey-toolchain")" = "$HASH" ]; then
  t "toolchain $HASH already in $GH"
  [ $# -ge 1 ] || ln -sfn "$HASH/graalvm-home" "$CACHE/current"
  echo "$GH"; exit 0
fi
START=$(date +%s)
[ -x "$TEMURIN/bin/java" ] || { echo "Temurin 25 not found at $TEMURIN (set LATCHKEY_TEMURIN)" >&2; exit 1; }

t "0/7 Debian packages the build needs (installed only when missing)"
need=()
for p in gcc libc6-dev binutils zlib1g-dev xz-utils unzip python3 debian-archive-keyring; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  t "  installing ${need[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/latchkey-graalvm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DL=$CACHE/downloads; mkdir -p "$DL"
NEW=$GH.partial; rm -rf "$NEW"; mkdir -p "$(dirname "$GH")"

t "1/7 copy Temurin 25"
cp -a "$TEMURIN" "$NEW"
mkdir -p "$NEW"/lib/svm/{builder/lib,bin,driver,clibraries/linux-amd64/glibc/include} "$NEW"/lib/static/linux-amd64/glibc \
         "$NEW"/lib/jvmci "$NEW"/lib/truffle

t "2/7 builder jars (org.graalvm.nativeimage:svm:$GV and its dependencies, through the Maven wrapper)"
JARS=$DL/svm-$GV-jars
if [ ! -f "$JARS/.complete" ]; then
  mkdir -p "$WORK/m" && cat > "$WORK/m/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>dev.latchkey.native</groupId><artifactId>builder-jars</artifactId><version>1</version>
<dependencies><dependency><groupId>org.graalvm.nativeimage</groupId><artifactId>svm</artifactId><version>$GV</version></dependency></dependencies></project>
EOF
  rm -rf "$JARS"
  JAVA_HOME=$TEMURIN "$ROOT/mvnw" -q -B -f "$WORK/m/pom.xml" dependency:copy-dependencies -DoutputDirectory="$JARS" >&2
  touch "$JARS/.complete"
fi
cp "$JARS/compiler-$GV.jar" "$NEW/lib/jvmci/graal.jar"
for a in word collections nativeimage nativeimage-libgraal; do cp "$JARS/$a-$GV.jar" "$NEW/lib/jvmci/$a.jar"; done
cp "$JARS/truffle-compiler-$GV.jar" "$NEW/lib/truffle/truffle-compiler.jar"
for a in svm pointsto objectfile native-image-base svm-capnproto-runtime svm-configure espresso-svm; do
  cp "$JARS/$a-$GV.jar" "$NEW/lib/svm/builder/$a.jar"; done

t "3/7 OpenJDK C sources from Debian (apt-get source with a private apt state; system apt untouched)"
SRCTAR=$(ls "$DL"/openjdk-2[56]_*.orig.tar.xz 2>/dev/null | grep -v googletest | head -1 || true)
if [ -z "$SRCTAR" ]; then
  A=$WORK/apt; mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$MIRROR" ] || MIRROR=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR sid main" > "$A/sources.list"
  APT=(-o "Dir::Etc::SourceList=$A/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$A/lists" -o "Dir::Cache=$A/cache")
  apt-get "${APT[@]}" update >/dev/null
  # openjdk-25's source answered 404 on 2026-11-27 (index ahead of pool); openjdk-26 works with the shims of step 5
  (cd "$DL" && { apt-get "${APT[@]}" source --download-only openjdk-25 >/dev/null 2>&1 \
                 || apt-get "${APT[@]}" source --download-only openjdk-26 >/dev/null 2>&1; })
  SRCTAR=$(ls "$DL"/openjdk-2[56]_*.orig.tar.xz | grep -v googletest | head -1)
fi
mkdir -p "$WORK/src"
tar xJf "$SRCTAR" -C "$WORK/src" --wildcards '*/src/java.base/share/native/*' '*/src/java.base/unix/native/*' \
  '*/src/java.base/linux/native/*' '*/src/hotspot/share/include/*' '*/src/hotspot/os/posix/include/*' \
  '*/src/jdk.net/*/native/*' '*/src/jdk.management/*/native/*' '*/src/java.management/*/native/*' \
  '*/src/java.prefs/*/native/*' '*/src/jdk.security.auth/*/native/*'
SRC=$(ls -d "$WORK"/src/openjdk-*/ | head -1); SRC=${SRC%/}

t "4/7 JNI headers from Temurin 25's own Java sources, so the JDK C code is checked against JDK 25"
H=$WORK/hdr; mkdir -p "$H" "$WORK/jsrc"
MODS="java.base jdk.net jdk.management java.management java.prefs jdk.security.auth"
(cd "$WORK/jsrc" && unzip -q -o "$TEMURIN/lib/src.zip" $(for m in $MODS; do echo "$m/*"; done))
for m in $MODS; do
  (cd "$WORK/jsrc/$m" && grep -rl -E '\bnative\b[^;{(]*\(|@Native\b' --include=*.java . > ../$m.list || true
   [ -s ../$m.list ] && "$TEMURIN/bin/javac" --patch-module $m=. -implicit:none -proc:none -nowarn -XDignore.symbol.file \
     --add-exports java.base/jdk.internal.misc=$m --add-exports java.base/jdk.internal.vm=$m --add-exports java.base/sun.net=$m \
     --add-exports java.base/jdk.internal.platform=$m --add-exports java.management/sun.management=$m --add-exports java.base/sun.nio.ch=$m \
     --add-exports java.base/jdk.internal.access=$m --add-exports java.base/sun.security.util=$m -h "$H" -d "$WORK/cls-$m" @../$m.list >/dev/null 2>&1) || true
done

t "5/7 static JDK libraries (JDK 25 signature shims when the source is JDK 26)"
python3 - "$SRC" <<'PYEOF'
import sys, os
b = sys.argv[1] + '/src/java.base/'
def sub(p, old, new):
    s = open(p).read()
    if old in s:
        open(p, 'w').write(s.replace(old, new)); print('  patched', os.path.basename(p), file=sys.stderr)
# JDK 26 added a caller argument to Class.forName0; JDK 25 passes none
sub(b + 'share/native/libjava/Class.c',
    "jboolean initialize, jobject loader)\n", "jboolean initialize, jobject loader, jclass caller /* JDK 25 signature */)\n")
# JDK 26's fstatat0 returns an errno; JDK 25's returns void and throws UnixException
sub(b + 'unix/native/libnio/fs/UnixNativeDispatcher.c',
"""JNIEXPORT jint JNICALL
Java_sun_nio_fs_UnixNativeDispatcher_fstatat0(JNIEnv* env, jclass this, jint dfd,
    jlong pathAddress, jint flag, jobject attrs)
{""",
"""static jint fstatat0_jdk26(JNIEnv* env, jclass this, jint dfd, jlong pathAddress, jint flag, jobject attrs);
/* JDK 25 signature: returns void and throws UnixException */
JNIEXPORT void JNICALL
Java_sun_nio_fs_UnixNativeDispatcher_fstatat0(JNIEnv* env, jclass this, jint dfd,
    jlong pathAddress, jint flag, jobject attrs)
{
    jint err = fstatat0_jdk26(env, this, dfd, pathAddress, flag, attrs);
    if (err != 0 && !(*env)->ExceptionCheck(env)) throwUnixException(env, err);
}
static jint fstatat0_jdk26(JNIEnv* env, jclass this, jint dfd, jlong pathAddress, jint flag, jobject attrs)
{""")
# JDK 26 dropped ConstantPool's unused argument; images never call these natives
cp = b + 'share/native/libjava/ConstantPool.c'
if os.path.exists(cp) and 'jobject unused' not in open(cp).read():
    os.rename(cp, cp + '.excluded'); print('  left out ConstantPool.c', file=sys.stderr)
PYEOF
OUT=$NEW/lib/static/linux-amd64/glibc; OBJ=$WORK/obj
# the version macros of the JDK we copied (its release file), e.g. 25.0.3+9-LTS
rel() { sed -n "s/^$1=\"\(.*\)\"$/\1/p" "$TEMURIN/release"; }
JV=$(rel JAVA_VERSION); JRV=$(rel JAVA_RUNTIME_VERSION); JD=$(rel JAVA_VERSION_DATE)
IFS=. read -r JF JI JU <<< "$JV"; JI=${JI:-0}; JU=${JU:-0}; JB=$(echo "$JRV" | sed -n 's/.*+\([0-9]*\).*/\1/p')
CF=(-O2 -fPIC -fno-strict-aliasing -fno-omit-frame-pointer -fvisibility=hidden -w -std=gnu11 -D_GNU_SOURCE -D_REENTRANT
 -D_LARGEFILE64_SOURCE -DLINUX -DNDEBUG -D_LITTLE_ENDIAN '-DARCH="amd64"' '-DARCHPROPNAME="amd64"' -Damd64 -D_LP64=1 -DSTATIC_BUILD=1
 "-I$H" "-I$SRC/src/java.base/share/native/include" "-I$SRC/src/java.base/unix/native/include" "-I$SRC/src/hotspot/share/include"
 "-I$SRC/src/hotspot/os/posix/include" "-I$TEMURIN/include"
 -DVERSION_FEATURE=$JF -DVERSION_INTERIM=$JI -DVERSION_UPDATE=$JU -DVERSION_PATCH=0 -DVERSION_EXTRA1=0 -DVERSION_EXTRA2=0 -DVERSION_EXTRA3=0
 '-DVERSION_PRE=""' -DVERSION_BUILD=$JB '-DVERSION_OPT="LTS"' "-DVERSION_NUMBER=\"$JV\"" "-DVERSION_STRING=\"$JRV\""
 "-DVERSION_SHORT=\"$JV\"" "-DVERSION_SPECIFICATION=\"$JF\"" "-DVERSION_DATE=\"$JD\"" '-DVENDOR_VERSION_STRING=""'
 -DVERSION_CLASSFILE_MAJOR=$((JF + 44)) -DVERSION_CLASSFILE_MINOR=0)
dirs() { for d in share unix linux; do [ -d "$SRC/src/$1/$d/native/$2" ] && echo "$SRC/src/$1/$d/native/$2"; done; return 0; }
incs() { for x in "$@"; do for d in $(dirs ${x%%:*} ${x##*:}); do find "$d" -type d -printf "-I%p "; done; done; }
lib() { # lib <name> <module> <module:lib whose headers it includes ...>
  local n=$1 m=$2; shift 2; mkdir -p "$OBJ/$n"; local fails=0 count=0
  for f in $(for d in $(dirs $m lib$n); do find "$d" -name '*.c' -not -path '*/zlib/*'; done); do
    count=$((count+1))
    gcc -c "${CF[@]}" -DLIBRARY_NAME=$n $(incs $m:lib$n "$@") -o "$OBJ/$n/$(basename "${f%.c}").o" "$f" || fails=$((fails+1)); done
  rm -f "$OUT/lib$n.a"; ar rcs "$OUT/lib$n.a" "$OBJ/$n"/*.o; t "  lib$n.a: $count sources, $fails failed"
  [ $fails = 0 ]; }
lib java java.base
lib net java.base java.base:libjava
lib nio java.base java.base:libjava java.base:libnet
lib zip java.base java.base:libjava           # zlib itself: the system's libz (images link -lz)
lib extnet jdk.net java.base:libjava java.base:libnet
lib management java.management java.base:libjava
lib management_ext jdk.management java.base:libjava java.management:libmanagement
lib prefs java.prefs java.base:libjava
lib jaas jdk.security.auth java.base:libjava

t "6/7 our SVM C libraries (clib/, jvm/, container/) and the builder's reporter helper"
CL=$NEW/lib/svm/clibraries/linux-amd64/glibc; CO=$WORK/cobj; mkdir -p "$CO/chelper" "$CO/jvm" "$CO/container"
CC=(gcc -c -O2 -fPIC -Wall -std=gnu11)
cp "$HERE"/clib/include/*.h "$CL/include/"
for f in "$HERE"/clib/src/*.c; do "${CC[@]}" -I"$HERE/clib/include" -o "$CO/chelper/$(basename "${f%.c}").o" "$f"; done
ar rcs "$CL/liblibchelper.a" "$CO"/chelper/*.o
# jvm.c is checked against the JDK's own jvm.h (kept in the home for check.sh)
mkdir -p "$CL/jvm-include" && cp "$SRC"/src/hotspot/share/include/jvm*.h "$SRC"/src/hotspot/os/posix/include/jvm_md.h "$CL/jvm-include/"
"${CC[@]}" -I"$CL/jvm-include" -I"$TEMURIN/include" -I"$TEMURIN/include/linux" -o "$CO/jvm/jvm.o" "$HERE/jvm/jvm.c"
# Stubs for every other JVM_* the static JDK libraries refer to: they report the name and abort.
nm --defined-only "$CO/jvm/jvm.o" | awk '{print $3}' | sort -u > "$WORK/jvm-defined"
nm -u "$OUT"/*.a 2>/dev/null | awk '$2 ~ /^JVM_/ {print $2}' | sort -u | comm -23 - "$WORK/jvm-defined" > "$WORK/jvm-stubs"
python3 "$HERE/jvm/gen_stubs.py" < "$WORK/jvm-stubs" > "$CO/jvm/jvm_stubs.c"
"${CC[@]}" -o "$CO/jvm/jvm_stubs.o" "$CO/jvm/jvm_stubs.c"
ar rcs "$CL/libjvm.a" "$CO"/jvm/*.o
"${CC[@]}" -o "$CO/container/container.o" "$HERE/container/container.c"
ar rcs "$CL/libsvm_container.a" "$CO"/container/*.o
gcc -shared -fPIC -O2 -I"$TEMURIN/include" -I"$TEMURIN/include/linux" -o "$NEW/lib/svm/builder/lib/libreporterchelper.so" "$HERE/builder/reporterchelper.c"
t "  liblibchelper.a, libjvm.a ($(wc -l < "$WORK/jvm-stubs") stubs), libsvm_container.a"

t "7/7 our native-image driver"
"$TEMURIN/bin/javac" -nowarn --release 25 -d "$WORK/driver" $(find "$HERE/driver/src" -name '*.java')
"$TEMURIN/bin/jar" --create --file "$NEW/lib/svm/driver/latchkey-native-image.jar" -C "$WORK/driver" .
install -m 755 "$HERE/driver/native-image" "$NEW/lib/svm/bin/native-image"
ln -sfn ../lib/svm/bin/native-image "$NEW/bin/native-image"
# --add-exports/--add-opens of every package of the JDK modules the builder uses, to the builder's modules
# and to the unnamed modules: the application's classes run inside the builder (build-time class
# initialization), and libraries such as jboss-threads open java.lang reflectively there
BT=org.graalvm.nativeimage.builder,org.graalvm.nativeimage.pointsto,org.graalvm.nativeimage.base,org.graalvm.nativeimage.objectfile,org.graalvm.nativeimage.configure,jdk.graal.compiler,ALL-UNNAMED
for m in java.base jdk.internal.vm.ci java.management jdk.management jdk.jfr jdk.unsupported jdk.internal.jvmstat java.desktop \
         jdk.zipfs jdk.attach java.logging java.xml jdk.internal.opt; do
  "$TEMURIN/bin/java" --describe-module $m | awk -v m=$m -v t=$BT '$1=="contains"||$1=="exports"{p=$2} $1=="qualified"{p=$3}
     p!=""{print "--add-exports=" m "/" p "=" t; print "--add-opens=" m "/" p "=" t; p=""}'
done | sort -u > "$NEW/lib/svm/bin/builder-exports.args"

echo "$HASH" > "$NEW/.latchkey-toolchain"
rm -rf "$GH"; mv "$NEW" "$GH"
if [ $# -lt 1 ]; then
  ln -sfn "$HASH/graalvm-home" "$CACHE/current"
  # keep this home and the one before it (another checkout may still be on it); older ones go
  for old in $(ls -1dt "$CACHE"/*/graalvm-home 2>/dev/null | tail -n +3); do rm -rf "$(dirname "$old")"; done
fi
t "done in $(( $(date +%s) - START )) s: $(du -sh "$GH" | cut -f1) in $GH"
echo "$GH"
