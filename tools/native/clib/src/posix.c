/*
 * Latchkey's own SVM C library: small POSIX/Linux helpers the image calls
 * (LibCHelper.getEnviron, LinuxLibCHelper.getThreadId and getThreadUserTimeSlow,
 * CodeSynchronizationOperations.clearCache).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

char **getEnviron(void) {
    return environ;
}

int getThreadId(void) {
    return (int) syscall(SYS_gettid);
}

/*
 * User-mode CPU time of thread tid in nanoseconds, from /proc/self/task/<tid>/stat (field 14,
 * utime, in clock ticks), or -1. "Slow" because it reads a file; the fast path is clock_gettime
 * on the thread's CPU clock, done in Java.
 */
long getThreadUserTimeSlow(int tid) {
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name (field 2) may contain spaces and parentheses: start after the last ')' */
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return -1;
    }
    unsigned long utime;
    /* after ')' come field 3 (state) ... field 14 (utime) */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu", &utime) != 1) {
        return -1;
    }
    long ticks = sysconf(_SC_CLK_TCK);
    if (ticks <= 0) {
        return -1;
    }
    return (long) (utime * (1000000000L / ticks));
}

/* amd64 keeps instruction and data caches coherent: nothing to flush (this is for AArch64). */
void codeSynchronization_clearCache(long address, long size) {
    (void) address;
    (void) size;
}
