/*
 * Latchkey's own SVM C library: fixed-argument entry points for C functions that take variable
 * arguments (open, openat, fprintf) or whose prototype needs _GNU_SOURCE (mremap). The image
 * calls C with a fixed signature; these wrappers give each call site one. The suffix letters name
 * the argument types after the first: S string, I int, D int printed by %d, P pointer.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>

int openSII(const char *path, int flags, int mode) {
    return open(path, flags, mode);
}

int openatISII(int dirfd, const char *path, int flags, int mode) {
    return openat(dirfd, path, flags, mode);
}

int fprintfSD(FILE *stream, const char *format, const char *s, int d) {
    return fprintf(stream, format, s, d);
}

void *mremapP(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address) {
    return mremap(old_address, old_size, new_size, flags, new_address);
}
