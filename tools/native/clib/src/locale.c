/*
 * Latchkey's own SVM C library: the locale the image reports as user.language, user.country, ...
 * (LocaleCHelper: svm_initialize_locale, svm_get_locale; see include/svm_locale.h).
 *
 * Like the JDK launcher, it adopts the environment's locale (setlocale(LC_ALL, "")) and reads
 * LC_MESSAGES for the display locale and LC_CTYPE for the format locale. A POSIX locale name is
 * language[_COUNTRY][.codeset][@modifier]; "C" and "POSIX" (also C.UTF-8) count as en_US, as in the JDK.
 * Deliberately small: no alias tables (old ISO codes and the like pass through unchanged); the
 * modifiers latin, cyrillic and devanagari become a script, any other modifier but "euro" the variant.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "svm_locale.h"

static svm_locale_props_t props;

static char *dup_range(const char *s, size_t n) {
    char *r = malloc(n + 1);
    if (r != NULL) {
        memcpy(r, s, n);
        r[n] = '\0';
    }
    return r;
}

/* Returns 0, or -1 when out of memory. */
static int parse(int category, char **language, char **script, char **country, char **variant) {
    const char *name = setlocale(category, NULL);
    if (name == NULL || name[0] == '\0') {
        name = "C";
    }
    size_t lang_len = strcspn(name, "_.@");
    /* "C", "POSIX" and their codeset variants such as C.UTF-8 */
    if ((lang_len == 1 && name[0] == 'C') || (lang_len == 5 && strncmp(name, "POSIX", 5) == 0)) {
        name = "en_US";
        lang_len = 2;
    }
    *language = dup_range(name, lang_len);
    if (*language == NULL) {
        return -1;
    }
    const char *p = name + lang_len;
    if (*p == '_') {
        size_t n = strcspn(p + 1, ".@");
        if ((*country = dup_range(p + 1, n)) == NULL) {
            return -1;
        }
        p += 1 + n;
    }
    const char *at = strchr(p, '@');
    if (at != NULL && at[1] != '\0') {
        const char *mod = at + 1;
        const char *sc = strcmp(mod, "latin") == 0 ? "Latn"
                       : strcmp(mod, "cyrillic") == 0 ? "Cyrl"
                       : strcmp(mod, "devanagari") == 0 ? "Deva" : NULL;
        if (sc != NULL) {
            if ((*script = strdup(sc)) == NULL) {
                return -1;
            }
        } else if (strcmp(mod, "euro") != 0) {
            if ((*variant = strdup(mod)) == NULL) {
                return -1;
            }
        }
    }
    return 0;
}

int svm_initialize_locale(void) {
    if (setlocale(LC_ALL, "") == NULL) {
        /* an invalid LANG/LC_* leaves the process in the "C" locale */
        setlocale(LC_ALL, "C");
    }
    if (parse(LC_MESSAGES, &props.display_language, &props.display_script, &props.display_country,
              &props.display_variant) != 0
        || parse(LC_CTYPE, &props.format_language, &props.format_script, &props.format_country,
                 &props.format_variant) != 0) {
        return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
    }
    return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}

svm_locale_props_t *svm_get_locale(void) {
    return &props;
}
