/*
 * Latchkey's own libjvm.a for native images: the JVM_* functions (and jio_* printers) that the
 * static JDK libraries and the image call. In a native image, the VM is Substrate VM: almost every
 * JVM_* entry point that libjava's natives reach is replaced by a Java substitution and is never
 * called. Those get a generated stub (jvm_stubs.c, made by graalvm-home.sh from the symbols the
 * static libraries leave undefined) that reports the name and aborts. The functions here are the
 * ones that are really called: time, processor count, signals, library loading, printing.
 * Compiled against the JDK's own jvm.h, so the signatures are checked.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jni.h>
#include "jvm.h"

/* Called once by the image at start-up (Jvm.initialize): nothing to prepare. */
JNIEXPORT void JNICALL initialize(void) {
}

/* CPUs this process may run on (its affinity mask honours cpusets and taskset). */
JNIEXPORT jint JNICALL JVM_ActiveProcessorCount(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) {
            return n;
        }
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (jint) online : 1;
}

JNIEXPORT jlong JNICALL JVM_CurrentTimeMillis(JNIEnv *env, jclass ignored) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (jlong) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

JNIEXPORT jlong JNICALL JVM_NanoTime(JNIEnv *env, jclass ignored) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (jlong) ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* Nanoseconds since offset_secs (epoch seconds), or -1 if that does not fit, as in the JDK. */
JNIEXPORT jlong JNICALL JVM_GetNanoTimeAdjustment(JNIEnv *env, jclass ignored, jlong offset_secs) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    jlong diff = (jlong) ts.tv_sec - offset_secs;
    const jlong limit = 0x100000000LL;
    if (diff >= limit || diff <= -limit) {
        return -1;
    }
    return diff * 1000000000L + ts.tv_nsec;
}

JNIEXPORT void JNICALL JVM_Halt(jint code) {
    exit(code);
}

JNIEXPORT void JNICALL JVM_BeforeHalt(void) {
}

JNIEXPORT jboolean JNICALL JVM_IsSupportedJNIVersion(jint version) {
    return version == JNI_VERSION_1_1 || version == JNI_VERSION_1_2 || version == JNI_VERSION_1_4
        || version == JNI_VERSION_1_6 || version == JNI_VERSION_1_8 || version == JNI_VERSION_9
        || version == JNI_VERSION_10 || version == JNI_VERSION_19 || version == JNI_VERSION_20
        || version == JNI_VERSION_21 || version == JNI_VERSION_24;
}

/* Container awareness is the business of libsvm_container.a, not of the JDK natives. */
JNIEXPORT jboolean JNICALL JVM_IsUseContainerSupport(void) {
    return JNI_FALSE;
}

JNIEXPORT jboolean JNICALL JVM_IsContainerized(void) {
    return JNI_FALSE;
}

JNIEXPORT jstring JNICALL JVM_GetTemporaryDirectory(JNIEnv *env) {
    return (*env)->NewStringUTF(env, "/tmp");
}

JNIEXPORT void *JNICALL JVM_LoadLibrary(const char *name, jboolean throwException) {
    void *handle = dlopen(name, RTLD_LAZY);
    if (handle == NULL && throwException) {
        fprintf(stderr, "JVM_LoadLibrary: %s\n", dlerror());
    }
    return handle;
}

JNIEXPORT void JNICALL JVM_UnloadLibrary(void *handle) {
    dlclose(handle);
}

JNIEXPORT void *JNICALL JVM_FindLibraryEntry(void *handle, const char *name) {
    return dlsym(handle, name);
}

JNIEXPORT char *JNICALL JVM_NativePath(char *path) {
    return path;
}

/* ---- signals (jdk.internal.misc.Signal's natives go through these) ---- */

static const struct { const char *name; int number; } signal_names[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"ILL", SIGILL}, {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"BUS", SIGBUS}, {"FPE", SIGFPE}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"SEGV", SIGSEGV}, {"USR2", SIGUSR2}, {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP}, {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU}, {"URG", SIGURG}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM},
    {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO}, {"PWR", SIGPWR}, {"SYS", SIGSYS},
};

JNIEXPORT jint JNICALL JVM_FindSignal(const char *name) {
    for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++) {
        if (strcmp(name, signal_names[i].name) == 0) {
            return signal_names[i].number;
        }
    }
    return -1;
}

/* Installs handler (a function, or SIG_DFL/SIG_IGN as 0/1); returns the previous one, or -1 cast. */
JNIEXPORT void *JNICALL JVM_RegisterSignal(jint sig, void *handler) {
    struct sigaction action, old;
    memset(&action, 0, sizeof(action));
    action.sa_handler = (void (*)(int)) handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(sig, &action, &old) != 0) {
        return (void *) -1;
    }
    return (void *) old.sa_handler;
}

JNIEXPORT jboolean JNICALL JVM_RaiseSignal(jint sig) {
    return raise(sig) == 0 ? JNI_TRUE : JNI_FALSE;
}

/* ---- jio_* printing (jvm_io.h): with the static JDK build they come from the VM ---- */

int jio_vsnprintf(char *str, size_t count, const char *fmt, va_list args) {
    if (count == 0) {
        return -1;
    }
    int n = vsnprintf(str, count, fmt, args);
    if (n < 0 || (size_t) n >= count) {
        str[count - 1] = '\0';
        return -1;
    }
    return n;
}

int jio_snprintf(char *str, size_t count, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = jio_vsnprintf(str, count, fmt, args);
    va_end(args);
    return n;
}

int jio_vfprintf(FILE *f, const char *fmt, va_list args) {
    return vfprintf(f, fmt, args);
}

int jio_fprintf(FILE *f, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    int n = vfprintf(f, fmt, args);
    va_end(args);
    return n;
}
