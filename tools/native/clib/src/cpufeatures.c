/*
 * Latchkey's own SVM C library: CPU feature detection on amd64 (see include/amd64cpufeatures.h).
 *
 * What the image may use is decided here, so two rules matter more than completeness:
 *  - a feature counts only if the CPU reports it AND the OS saves the register state it needs
 *    (XCR0, read with xgetbv, for the AVX and AVX-512 families); otherwise the image would
 *    execute instructions whose registers the kernel does not preserve;
 *  - the EVEX-only extensions (JVMCI's AVX512_* names) count only when AVX-512F is usable;
 *  - CET shadow stacks count only when the kernel has enabled them for this thread.
 * Bit positions are those of the Intel SDM / AMD APM CPUID tables. check.sh compares the result
 * with the flags the kernel reports in /proc/cpuinfo.
 */
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "amd64cpufeatures.h"

#define BIT(n) (1u << (n))

typedef struct { unsigned a, b, c, d; } regs_t;

static regs_t leaf(unsigned leafno, unsigned sub) {
    regs_t r = {0, 0, 0, 0};
    __cpuid_count(leafno, sub, r.a, r.b, r.c, r.d);
    return r;
}

static unsigned long long read_xcr0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long) hi << 32) | lo;
}

/*
 * Shadow stacks (CET_SS) are usable only once the kernel enables them for the thread; Linux
 * reports that through arch_prctl(ARCH_SHSTK_STATUS) (0x5005, bit 0 = shadow stack on).
 */
static int shadow_stack_enabled(void) {
    unsigned long status = 0;
    return syscall(SYS_arch_prctl, 0x5005, &status) == 0 && (status & 1);
}

void determineCPUFeatures(CPUFeatures *f) {
    regs_t l0 = leaf(0, 0);
    unsigned max_leaf = l0.a;
    if (max_leaf < 1) {
        return;
    }
    /* vendor string is EBX, EDX, ECX */
    int amd_like = (l0.b == 0x68747541u /* "Auth" */ || l0.b == 0x6f677948u /* "Hygo" */);
    int intel = (l0.b == 0x756e6547u /* "Genu" */);

    regs_t l1 = leaf(1, 0);
    f->fTSC = !!(l1.d & BIT(4));
    f->fCX8 = !!(l1.d & BIT(8));
    f->fCMOV = !!(l1.d & BIT(15));
    f->fFLUSH = !!(l1.d & BIT(19));
    f->fMMX = !!(l1.d & BIT(23));
    f->fFXSR = !!(l1.d & BIT(24));
    f->fSSE = !!(l1.d & BIT(25));
    f->fSSE2 = !!(l1.d & BIT(26));
    f->fHT = !!(l1.d & BIT(28));
    f->fSSE3 = !!(l1.c & BIT(0));
    f->fCLMUL = !!(l1.c & BIT(1));
    f->fSSSE3 = !!(l1.c & BIT(9));
    f->fSSE4_1 = !!(l1.c & BIT(19));
    f->fSSE4_2 = !!(l1.c & BIT(20));
    f->fPOPCNT = !!(l1.c & BIT(23));
    f->fAES = !!(l1.c & BIT(25));
    f->fHV = !!(l1.c & BIT(31));
    int osxsave = !!(l1.c & BIT(27));
    int cpu_avx = !!(l1.c & BIT(28));
    int cpu_fma = !!(l1.c & BIT(12));
    int cpu_f16c = !!(l1.c & BIT(29));

    /* Register state the OS saves on context switch: XCR0 bits 1 (SSE), 2 (AVX),
     * 5-7 (AVX-512 opmask, upper ZMM0-15, ZMM16-31), 19 (APX extended GPRs). */
    unsigned long long xcr0 = osxsave ? read_xcr0() : 0;
    int os_avx = (xcr0 & 0x6) == 0x6;
    int os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0;
    int os_apx = (xcr0 & (1ull << 19)) != 0;

    f->fAVX = cpu_avx && os_avx;
    f->fVZEROUPPER = f->fAVX;
    f->fFMA = cpu_fma && os_avx;
    f->fF16C = cpu_f16c && os_avx;

    regs_t l7 = {0, 0, 0, 0}, l7s1 = {0, 0, 0, 0};
    if (max_leaf >= 7) {
        l7 = leaf(7, 0);
        if (l7.a >= 1) {
            l7s1 = leaf(7, 1);
        }
    }
    f->fBMI1 = !!(l7.b & BIT(3));
    f->fAVX2 = !!(l7.b & BIT(5)) && os_avx;
    f->fBMI2 = !!(l7.b & BIT(8));
    f->fERMS = !!(l7.b & BIT(9));
    f->fRTM = !!(l7.b & BIT(11));
    f->fADX = !!(l7.b & BIT(19));
    f->fFLUSHOPT = !!(l7.b & BIT(23));
    f->fCLWB = !!(l7.b & BIT(24));
    f->fSHA = !!(l7.b & BIT(29));
    f->fPKU = !!(l7.c & BIT(3));
    f->fOSPKE = !!(l7.c & BIT(4));
    f->fCET_SS = !!(l7.c & BIT(7)) && shadow_stack_enabled();
    f->fGFNI = !!(l7.c & BIT(8));
    f->fRDPID = !!(l7.c & BIT(22));
    f->fFSRM = !!(l7.d & BIT(4));
    f->fSERIALIZE = !!(l7.d & BIT(14));
    f->fCET_IBT = !!(l7.d & BIT(20));
    f->fSHA512 = !!(l7s1.a & BIT(0)) && os_avx;
    f->fAVX_IFMA = !!(l7s1.a & BIT(23)) && os_avx;
    f->fAPX_F = !!(l7s1.d & BIT(21)) && os_apx;

    int avx512f = !!(l7.b & BIT(16)) && os_avx512;
    if (avx512f) {
        f->fAVX512F = 1;
        f->fAVX512DQ = !!(l7.b & BIT(17));
        f->fAVX512_IFMA = !!(l7.b & BIT(21));
        f->fAVX512PF = !!(l7.b & BIT(26));
        f->fAVX512ER = !!(l7.b & BIT(27));
        f->fAVX512CD = !!(l7.b & BIT(28));
        f->fAVX512BW = !!(l7.b & BIT(30));
        f->fAVX512VL = !!(l7.b & BIT(31));
        f->fAVX512_VBMI = !!(l7.c & BIT(1));
        f->fAVX512_VBMI2 = !!(l7.c & BIT(6));
        f->fAVX512_VAES = !!(l7.c & BIT(9));
        f->fAVX512_VPCLMULQDQ = !!(l7.c & BIT(10));
        f->fAVX512_VNNI = !!(l7.c & BIT(11));
        f->fAVX512_BITALG = !!(l7.c & BIT(12));
        f->fAVX512_VPOPCNTDQ = !!(l7.c & BIT(14));
        f->fAVX512_FP16 = !!(l7.d & BIT(23));
    }
    /* AVX10: CPUID.(7,1):EDX[19], version number in CPUID.(0x24,0):EBX[7:0]; needs AVX-512 state. */
    if ((l7s1.d & BIT(19)) && os_avx512 && max_leaf >= 0x24) {
        unsigned version = leaf(0x24, 0).b & 0xff;
        f->fAVX10_1 = version >= 1;
        f->fAVX10_2 = version >= 2;
    }

    regs_t e0 = leaf(0x80000000u, 0);
    unsigned max_ext = e0.a;
    if (max_ext >= 0x80000001u) {
        regs_t e1 = leaf(0x80000001u, 0);
        f->fLZCNT = !!(e1.c & BIT(5));
        f->fSSE4A = !!(e1.c & BIT(6));
        f->fAMD_3DNOW_PREFETCH = !!(e1.c & BIT(8));
        f->fRDTSCP = !!(e1.d & BIT(27));
    }
    if (max_ext >= 0x80000007u) {
        /* invariant TSC: ticks at a constant rate in all power states */
        f->fTSCINV_BIT = !!(leaf(0x80000007u, 0).d & BIT(8));
        f->fTSCINV = f->fTSCINV_BIT && (amd_like || intel);
    }
}

/* The build-time mask covers sizeof(CPUFeatures) rounded up to whole 64-bit words. */
#define MASK_BYTES ((sizeof(CPUFeatures) + 7) / 8 * 8)

int checkCPUFeatures(const unsigned char *buildtimeMask) {
    union { CPUFeatures f; unsigned char b[MASK_BYTES]; } now;
    memset(&now, 0, sizeof(now));
    determineCPUFeatures(&now.f);
    for (size_t i = 0; i < MASK_BYTES; i++) {
        if ((unsigned char) (buildtimeMask[i] | now.b[i]) != 0xff) {
            return 1;
        }
    }
    return 0;
}

int checkCPUFeaturesOrExit(const unsigned char *buildtimeMask, const char *errorMessage) {
    int result = checkCPUFeatures(buildtimeMask);
    if (result != 0) {
        fputs(errorMessage, stderr);
        fflush(stderr);
        exit(1);
    }
    return result;
}
