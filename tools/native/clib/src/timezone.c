/*
 * Latchkey's own SVM C library: the platform time zone id for java.util.TimeZone
 * (LibCHelper.SVM_FindJavaTZmd; the caller frees the result; NULL means "unknown", and Java
 * then uses GMT). The tzmappings argument only matters on Windows and AIX.
 *
 * Order: $TZ; the target of the /etc/localtime symbolic link below a zoneinfo directory;
 * /etc/timezone (Debian). An /etc/localtime that is a plain copy is not matched against the
 * zoneinfo files: set TZ in such containers.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *zone_after_zoneinfo(const char *path) {
    const char *z = strstr(path, "zoneinfo/");
    return z != NULL && z[9] != '\0' ? strdup(z + 9) : NULL;
}

char *SVM_FindJavaTZmd(const char *tzmappings, int length) {
    (void) tzmappings;
    (void) length;
    const char *tz = getenv("TZ");
    if (tz != NULL && *tz == ':') {
        tz++;
    }
    if (tz != NULL && *tz != '\0' && strcmp(tz, "/etc/localtime") != 0) {
        if (tz[0] == '/') {
            return zone_after_zoneinfo(tz);
        }
        return strdup(tz);
    }
    char target[PATH_MAX];
    ssize_t n = readlink("/etc/localtime", target, sizeof(target) - 1);
    if (n > 0) {
        target[n] = '\0';
        char *zone = zone_after_zoneinfo(target);
        if (zone != NULL) {
            return zone;
        }
    }
    FILE *f = fopen("/etc/timezone", "r");
    if (f != NULL) {
        char line[256];
        char *result = NULL;
        if (fgets(line, sizeof(line), f) != NULL) {
            line[strcspn(line, " \t\r\n")] = '\0';
            if (line[0] != '\0') {
                result = strdup(line);
            }
        }
        fclose(f);
        return result;
    }
    return NULL;
}
