/*
 * Latchkey's own SVM C library: CPU features of amd64.
 *
 * The layout is ours; only the names are fixed. The image builder reads this header through
 * @CContext(AMD64LibCHelperDirectives) and queries, for every constant of JVMCI's
 * AMD64.CPUFeature enum, a byte-sized field named "f" + <constant> (its offset and size).
 * It builds a mask of round_up(sizeof(CPUFeatures), 8) bytes: 0xFF everywhere except 0xFE at
 * the fields of the features the image was compiled for. At start-up checkCPUFeatures() ORs the
 * features found at run time (0 or 1 per field) into that mask: every byte must become 0xFF.
 */
#ifndef LATCHKEY_AMD64CPUFEATURES_H
#define LATCHKEY_AMD64CPUFEATURES_H

typedef struct {
    char fCX8, fCMOV, fFXSR, fHT, fMMX, fAMD_3DNOW_PREFETCH, fSSE, fSSE2, fSSE3, fSSSE3, fSSE4A,
         fSSE4_1, fSSE4_2, fPOPCNT, fLZCNT, fTSC, fTSCINV, fTSCINV_BIT, fAVX, fAVX2, fAES, fERMS,
         fCLMUL, fBMI1, fBMI2, fRTM, fADX, fAVX512F, fAVX512DQ, fAVX512PF, fAVX512ER, fAVX512CD,
         fAVX512BW, fAVX512VL, fSHA, fFMA, fVZEROUPPER, fAVX512_VPOPCNTDQ, fAVX512_VPCLMULQDQ,
         fAVX512_VAES, fAVX512_VNNI, fFLUSH, fFLUSHOPT, fCLWB, fAVX512_VBMI2, fAVX512_VBMI, fHV,
         fSERIALIZE, fRDTSCP, fRDPID, fFSRM, fGFNI, fAVX512_BITALG, fPKU, fOSPKE, fCET_IBT, fCET_SS,
         fF16C, fAVX512_IFMA, fAVX_IFMA, fAPX_F, fSHA512, fAVX512_FP16, fAVX10_1, fAVX10_2;
} CPUFeatures;

/* Fills *features (which the caller zeroed) with the features of this CPU that this OS enables. */
void determineCPUFeatures(CPUFeatures *features);
/* 0 if this CPU has every feature the build-time mask requires, 1 otherwise. */
int checkCPUFeatures(const unsigned char *buildtimeMask);
/* Like checkCPUFeatures, but prints errorMessage (zero-terminated) to stderr and exits on a mismatch. */
int checkCPUFeaturesOrExit(const unsigned char *buildtimeMask, const char *errorMessage);

#endif
