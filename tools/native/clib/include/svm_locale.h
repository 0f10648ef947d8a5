/*
 * Latchkey's own SVM C library: the process locale, as the image's LocaleCHelper reads it
 * (@CContext(LocaleDirectives), @CStruct("svm_locale_props_t"), two @CConstants, two functions).
 */
#ifndef LATCHKEY_SVM_LOCALE_H
#define LATCHKEY_SVM_LOCALE_H

#define SVM_LOCALE_INITIALIZATION_SUCCEEDED 0
#define SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY 1

/* Each field is NULL or a string owned by this library (set once by svm_initialize_locale). */
typedef struct {
    char *display_language, *display_script, *display_country, *display_variant;
    char *format_language, *format_script, *format_country, *format_variant;
} svm_locale_props_t;

int svm_initialize_locale(void);
svm_locale_props_t *svm_get_locale(void);

#endif
