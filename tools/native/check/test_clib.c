/*
 * Unit checks of Latchkey's SVM C libraries (run by check.sh, which links this against
 * liblibchelper.a, libjvm.a and libsvm_container.a built from the sources).
 * Prints "ok <name>" / "FAIL <name>: why" per check, and the CPU features as "feature <name> <0|1>"
 * for check.sh to compare with /proc/cpuinfo.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "amd64cpufeatures.h"
#include "svm_locale.h"

char *SVM_FindJavaTZmd(const char *tzmappings, int length);
int getThreadId(void);
long getThreadUserTimeSlow(int tid);
char **getEnviron(void);
int cSunMiscSignal_open(void);
int cSunMiscSignal_checkPendingSignal(void);
void (*cSunMiscSignal_signalHandlerFunctionPointer(void))(int);
int svm_container_initialize(int version);
size_t svm_container_physical_memory(void);
int svm_container_active_processor_count(void);
int JVM_ActiveProcessorCount(void);
int openSII(const char *path, int flags, int mode);

static int failures;
static void check(bool ok, const char *name, const char *detail) {
    if (ok) {
        printf("ok %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, detail);
        failures++;
    }
}

#define MASK_BYTES ((sizeof(CPUFeatures) + 7) / 8 * 8)
#define FEATURE(f) printf("feature %s %d\n", #f + 1, features.f);

int main(void) {
    CPUFeatures features;
    memset(&features, 0, sizeof(features));
    determineCPUFeatures(&features);
    FEATURE(fCX8) FEATURE(fCMOV) FEATURE(fFXSR) FEATURE(fHT) FEATURE(fMMX) FEATURE(fAMD_3DNOW_PREFETCH)
    FEATURE(fSSE) FEATURE(fSSE2) FEATURE(fSSE3) FEATURE(fSSSE3) FEATURE(fSSE4A) FEATURE(fSSE4_1) FEATURE(fSSE4_2)
    FEATURE(fPOPCNT) FEATURE(fLZCNT) FEATURE(fTSC) FEATURE(fTSCINV) FEATURE(fTSCINV_BIT) FEATURE(fAVX) FEATURE(fAVX2)
    FEATURE(fAES) FEATURE(fERMS) FEATURE(fCLMUL) FEATURE(fBMI1) FEATURE(fBMI2) FEATURE(fRTM) FEATURE(fADX)
    FEATURE(fAVX512F) FEATURE(fAVX512DQ) FEATURE(fAVX512PF) FEATURE(fAVX512ER) FEATURE(fAVX512CD) FEATURE(fAVX512BW)
    FEATURE(fAVX512VL) FEATURE(fSHA) FEATURE(fFMA) FEATURE(fVZEROUPPER) FEATURE(fAVX512_VPOPCNTDQ)
    FEATURE(fAVX512_VPCLMULQDQ) FEATURE(fAVX512_VAES) FEATURE(fAVX512_VNNI) FEATURE(fFLUSH) FEATURE(fFLUSHOPT)
    FEATURE(fCLWB) FEATURE(fAVX512_VBMI2) FEATURE(fAVX512_VBMI) FEATURE(fHV) FEATURE(fSERIALIZE) FEATURE(fRDTSCP)
    FEATURE(fRDPID) FEATURE(fFSRM) FEATURE(fGFNI) FEATURE(fAVX512_BITALG) FEATURE(fPKU) FEATURE(fOSPKE)
    FEATURE(fCET_IBT) FEATURE(fCET_SS) FEATURE(fF16C) FEATURE(fAVX512_IFMA) FEATURE(fAVX_IFMA) FEATURE(fAPX_F)
    FEATURE(fSHA512) FEATURE(fAVX512_FP16) FEATURE(fAVX10_1) FEATURE(fAVX10_2)

    /* The build-time mask as the builder makes it: 0xFF, and 0xFE at each required feature. */
    unsigned char mask[MASK_BYTES];
    memset(mask, 0xff, sizeof(mask));
    check(checkCPUFeatures(mask) == 0, "cpu check passes when nothing is required", "returned non-zero");
    memset(mask, 0xff, sizeof(mask));
    for (size_t i = 0; i < sizeof(features); i++) {
        if (((unsigned char *) &features)[i]) {
            mask[i] = 0xfe;
        }
    }
    check(checkCPUFeatures(mask) == 0, "cpu check passes when all present features are required", "returned non-zero");
    const char *absent = NULL;
    memset(mask, 0xff, sizeof(mask));
    if (!features.fAVX512F) {
        mask[offsetof(CPUFeatures, fAVX512F)] = 0xfe;
        absent = "AVX512F";
    } else if (!features.fAPX_F) {
        mask[offsetof(CPUFeatures, fAPX_F)] = 0xfe;
        absent = "APX_F";
    }
    if (absent != NULL) {
        check(checkCPUFeatures(mask) == 1, "cpu check fails when an absent feature is required", absent);
    }

    check(svm_initialize_locale() == SVM_LOCALE_INITIALIZATION_SUCCEEDED, "locale initializes", "failed");
    svm_locale_props_t *lp = svm_get_locale();
    printf("info locale display=%s_%s format=%s_%s\n", lp->display_language, lp->display_country ? lp->display_country : "",
           lp->format_language, lp->format_country ? lp->format_country : "");
    check(lp->format_language != NULL && lp->display_language != NULL, "locale has a language", "NULL");

    setenv("TZ", "Europe/Berlin", 1);
    char *tz = SVM_FindJavaTZmd(NULL, 0);
    check(tz != NULL && strcmp(tz, "Europe/Berlin") == 0, "time zone from TZ", tz ? tz : "NULL");
    free(tz);
    setenv("TZ", ":/usr/share/zoneinfo/America/New_York", 1);
    tz = SVM_FindJavaTZmd(NULL, 0);
    check(tz != NULL && strcmp(tz, "America/New_York") == 0, "time zone from TZ=:<zoneinfo path>", tz ? tz : "NULL");
    free(tz);
    unsetenv("TZ");
    tz = SVM_FindJavaTZmd(NULL, 0);
    printf("info system time zone %s\n", tz ? tz : "(unknown: Java uses GMT)");
    free(tz);

    check(getThreadId() == getpid(), "thread id of the main thread is the pid", "differs");
    check(getThreadUserTimeSlow(getThreadId()) >= 0, "thread user time", "negative");
    check(getEnviron() != NULL && getEnviron()[0] != NULL, "environ", "empty");
    check(JVM_ActiveProcessorCount() == sysconf(_SC_NPROCESSORS_ONLN) || JVM_ActiveProcessorCount() > 0,
          "active processor count", "not positive");

    check(cSunMiscSignal_open() == 0, "signal dispatch opens", "non-zero");
    signal(SIGUSR2, cSunMiscSignal_signalHandlerFunctionPointer());
    raise(SIGUSR2);
    check(cSunMiscSignal_checkPendingSignal() == SIGUSR2, "raised signal is pending", "not SIGUSR2");
    check(cSunMiscSignal_checkPendingSignal() == -1, "and only once", "still pending");

    int c = svm_container_initialize(240100);
    check(c == 0 || c == 1, "container library speaks protocol 240100", "unexpected result");
    check(svm_container_initialize(240099) == 3 && svm_container_initialize(240101) == 2, "container version mismatch",
          "not reported");
    check(svm_container_physical_memory() > 0 && svm_container_active_processor_count() > 0, "container sizes", "zero");

    int fd = openSII("/proc/self/stat", 0, 0);
    check(fd >= 0, "openSII", "failed");
    return failures == 0 ? 0 : 1;
}
