package dev.latchkey.api;

import dev.latchkey.config.InputLimits;
import dev.latchkey.error.LatchkeyException;

/**
 * Bounds for every string a request may carry: a maximum length and no NUL (or other C0 control)
 * characters. Violations become 400 {@code invalid_request} naming the field, never its value.
 */
final class Fields {

    static final int USERNAME = InputLimits.USERNAME;
    static final int PASSWORD = InputLimits.PASSWORD;
    static final int TOKEN = InputLimits.TOKEN;
    static final int REFRESH_TOKEN = InputLimits.REFRESH_TOKEN;
    static final int SHORT = InputLimits.SHORT;

    private Fields() {
    }

    static String check(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw LatchkeyException.invalidRequest(field + " is too long");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw LatchkeyException.invalidRequest(field + " contains a control character");
            }
        }
        return value;
    }
}
