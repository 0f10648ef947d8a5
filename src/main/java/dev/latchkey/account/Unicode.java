package dev.latchkey.account;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The one normalisation of user input: NFKC (NIST SP 800-63B §5.1.1.2), so the same text typed
 * on two keyboards compares equal, and case folding where case must not matter.
 */
final class Unicode {

    private Unicode() {
    }

    /** NFKC: how passwords are hashed. */
    static String nfkc(String value) {
        return Normalizer.normalize(value, Normalizer.Form.NFKC);
    }

    /** NFKC and lower case: how usernames are compared, and passwords against the common list. */
    static String fold(String value) {
        return nfkc(value).toLowerCase(Locale.ROOT);
    }
}
