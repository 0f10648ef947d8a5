/*
 * Latchkey's own SVM C library: the AArch64 CPU-feature layout. The image builder reads the
 * layouts of every architecture's CPUFeatures struct, even when building for amd64, so this header
 * must exist; the toolchain implements detection for amd64 only (cpufeatures.c).
 */
#ifndef LATCHKEY_AARCH64CPUFEATURES_H
#define LATCHKEY_AARCH64CPUFEATURES_H
typedef struct {
    char fFP, fASIMD, fEVTSTRM, fAES, fPMULL, fSHA1, fSHA2, fCRC32, fLSE, fDCPOP, fSHA3, fSHA512, fSVE,
         fSVE2, fSTXR_PREFETCH, fA53MAC, fDMB_ATOMICS, fPACA, fSVEBITPERM, fFPHP, fASIMDHP;
} CPUFeatures;
#endif
