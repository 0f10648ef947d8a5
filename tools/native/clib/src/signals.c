/*
 * Latchkey's own SVM C library: delivery of sun.misc.Signal / jdk.internal.misc.Signal handlers
 * (CSunMiscSignal). The C handler only counts the signal and posts a semaphore (both
 * async-signal-safe); a Java dispatcher thread waits on the semaphore, then asks which signal
 * is pending and runs its Java handler. All functions return 0 on success unless noted.
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>

static sem_t available;
static volatile int pending[NSIG];

static void count_signal(int sig) {
    if (sig > 0 && sig < NSIG) {
        __atomic_add_fetch(&pending[sig], 1, __ATOMIC_SEQ_CST);
        int saved = errno;
        sem_post(&available);
        errno = saved;
    }
}

int cSunMiscSignal_open(void) {
    for (int i = 0; i < NSIG; i++) {
        pending[i] = 0;
    }
    return sem_init(&available, 0, 0) == 0 ? 0 : errno;
}

int cSunMiscSignal_close(void) {
    return sem_destroy(&available) == 0 ? 0 : errno;
}

int cSunMiscSignal_awaitSemaphore(void) {
    int r;
    while ((r = sem_wait(&available)) == -1 && errno == EINTR) {
    }
    return r == 0 ? 0 : errno;
}

int cSunMiscSignal_signalSemaphore(void) {
    return sem_post(&available) == 0 ? 0 : errno;
}

bool cSunMiscSignal_signalRangeCheck(int sig) {
    return sig > 0 && sig < NSIG;
}

/* One pending signal number (its count decremented), or -1 if none is pending. */
int cSunMiscSignal_checkPendingSignal(void) {
    for (int sig = 1; sig < NSIG; sig++) {
        int n = __atomic_load_n(&pending[sig], __ATOMIC_SEQ_CST);
        while (n > 0) {
            if (__atomic_compare_exchange_n(&pending[sig], &n, n - 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
                return sig;
            }
        }
    }
    return -1;
}

typedef void (*signal_dispatcher_t)(int);

signal_dispatcher_t cSunMiscSignal_signalHandlerFunctionPointer(void) {
    return count_signal;
}
