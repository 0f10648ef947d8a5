/*
 * Latchkey's own libsvm_container.a: container limits for the image's GC sizing and
 * Runtime.availableProcessors() (ContainerLibrary, protocol version 240100).
 *
 * Deliberately small: cgroup v2 only (the unified hierarchy of current Docker, Podman and
 * Kubernetes nodes). The process counts as containerized when its cgroup (from /proc/self/cgroup,
 * line "0::<path>") has a memory or CPU limit; on cgroup v1 hosts, or without limits, it reports
 * "not containerized" and the image sizes itself from the machine, like any process.
 * Values: bytes; -1 means unlimited; -2 means unknown (as HotSpot's OSCONTAINER_ERROR).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROTOCOL_VERSION 240100
#define NOT_CONTAINERIZED 0
#define CONTAINERIZED 1
#define LIBRARY_TOO_OLD 2
#define LIBRARY_TOO_NEW 3
#define UNLIMITED (-1L)
#define UNKNOWN (-2L)

static char cgroup_dir[4200];

/* Reads the first line of <cgroup_dir>/<file> into buf; 0 on success. */
static int read_line(const char *file, char *buf, size_t size) {
    char path[4300];
    snprintf(path, sizeof(path), "%s/%s", cgroup_dir, file);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    char *r = fgets(buf, (int) size, f);
    fclose(f);
    if (r == NULL) {
        return -1;
    }
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* A single number, or "max" (UNLIMITED); UNKNOWN if the file is missing. */
static long read_limit(const char *file) {
    char buf[128];
    if (read_line(file, buf, sizeof(buf)) != 0) {
        return UNKNOWN;
    }
    if (strncmp(buf, "max", 3) == 0) {
        return UNLIMITED;
    }
    return strtol(buf, NULL, 10);
}

/* The value of "key <n>" in memory.stat, or UNKNOWN. */
static long read_memory_stat(const char *key) {
    char path[4300], name[64];
    long value;
    snprintf(path, sizeof(path), "%s/memory.stat", cgroup_dir);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return UNKNOWN;
    }
    long result = UNKNOWN;
    while (fscanf(f, "%63s %ld", name, &value) == 2) {
        if (strcmp(name, key) == 0) {
            result = value;
            break;
        }
    }
    fclose(f);
    return result;
}

static int find_cgroup_v2_dir(void) {
    if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0) {
        return -1;
    }
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (f == NULL) {
        return -1;
    }
    char line[4000];
    int found = -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            const char *rel = line + 3;
            snprintf(cgroup_dir, sizeof(cgroup_dir), "/sys/fs/cgroup%s", strcmp(rel, "/") == 0 ? "" : rel);
            /* inside a cgroup namespace the path may not exist under our mount: use the root */
            if (access(cgroup_dir, F_OK) != 0) {
                snprintf(cgroup_dir, sizeof(cgroup_dir), "/sys/fs/cgroup");
            }
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

static long cpu_quota_count(void) {
    char buf[128];
    long quota, period;
    if (read_line("cpu.max", buf, sizeof(buf)) != 0 || strncmp(buf, "max", 3) == 0) {
        return UNLIMITED;
    }
    if (sscanf(buf, "%ld %ld", &quota, &period) != 2 || quota <= 0 || period <= 0) {
        return UNLIMITED;
    }
    return (quota + period - 1) / period;
}

int svm_container_initialize(int version) {
    if (version > PROTOCOL_VERSION) {
        return LIBRARY_TOO_OLD;
    }
    if (version < PROTOCOL_VERSION) {
        return LIBRARY_TOO_NEW;
    }
    if (find_cgroup_v2_dir() != 0) {
        return NOT_CONTAINERIZED;
    }
    long memory = read_limit("memory.max");
    return (memory > 0 || cpu_quota_count() > 0) ? CONTAINERIZED : NOT_CONTAINERIZED;
}

size_t svm_container_physical_memory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    size_t host = (pages > 0 && page > 0) ? (size_t) pages * (size_t) page : 0;
    long limit = read_limit("memory.max");
    return (limit > 0 && (size_t) limit < host) ? (size_t) limit : host;
}

long svm_container_memory_limit_in_bytes(void) {
    return read_limit("memory.max");
}

long svm_container_memory_and_swap_limit_in_bytes(void) {
    long memory = read_limit("memory.max"), swap = read_limit("memory.swap.max");
    if (memory < 0) {
        return memory;
    }
    if (swap == UNLIMITED) {
        return UNLIMITED;
    }
    return swap < 0 ? memory : memory + swap;
}

long svm_container_memory_soft_limit_in_bytes(void) {
    long low = read_limit("memory.low");
    return low == 0 ? UNLIMITED : low;
}

long svm_container_memory_usage_in_bytes(void) {
    return read_limit("memory.current");
}

long svm_container_memory_max_usage_in_bytes(void) {
    return read_limit("memory.peak");
}

long svm_container_rss_usage_in_bytes(void) {
    return read_memory_stat("anon");
}

long svm_container_cache_usage_in_bytes(void) {
    return read_memory_stat("file");
}

int svm_container_active_processor_count(void) {
    cpu_set_t set;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
        cpus = CPU_COUNT(&set);
    }
    long quota = cpu_quota_count();
    if (quota > 0 && quota < cpus) {
        cpus = quota;
    }
    return cpus > 0 ? (int) cpus : 1;
}
