/*
 * Latchkey's own SVM C library: the RISC-V 64 CPU-feature layout (read by the image builder for
 * every architecture; detection is implemented for amd64 only, see aarch64cpufeatures.h).
 */
#ifndef LATCHKEY_RISCV64CPUFEATURES_H
#define LATCHKEY_RISCV64CPUFEATURES_H
typedef struct {
    char fI, fM, fA, fF, fD, fC, fV;
} CPUFeatures;
#endif
