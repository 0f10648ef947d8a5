package dev.latchkey.account;

import java.util.regex.Pattern;

import dev.latchkey.error.LatchkeyException;

/**
 * Username rules: NFKC-normalised and lower-cased (so "Alice" and "ALICE" are one account),
 * 3 to 64 characters of letters, digits and {@code . _ - @ +} (enough for e-mail addresses).
 */
public final class Usernames {

    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N}._@+-]+");

    private Usernames() {
    }

    /** The canonical (case-folded) form, or 400 {@code invalid_request} if it breaks a rule. */
    public static String canonical(String username) {
        if (username == null || username.isEmpty()) {
            throw LatchkeyException.invalidRequest("username is required");
        }
        String folded = Unicode.fold(username);
        int length = folded.codePointCount(0, folded.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH || !ALLOWED.matcher(folded).matches()) {
            throw LatchkeyException.invalidRequest("username must be " + MIN_LENGTH + " to " + MAX_LENGTH
                    + " letters, digits or . _ - @ +");
        }
        return folded;
    }

    /**
     * A username prefix as the admin API's list filters by it, folded like usernames; null for no
     * filter (absent or empty); 400 {@code invalid_request} if no username could start with it.
     */
    public static String prefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return null;
        }
        String folded = Unicode.fold(prefix);
        if (folded.codePointCount(0, folded.length()) > MAX_LENGTH || !ALLOWED.matcher(folded).matches()) {
            throw LatchkeyException.invalidRequest("username_prefix must be at most " + MAX_LENGTH
                    + " letters, digits or . _ - @ +");
        }
        return folded;
    }

    /**
     * The canonical form for a lookup at login, or null if it could never name an account. Login
     * must not tell a malformed username from an unknown one.
     */
    public static String canonicalOrNull(String username) {
        try {
            return canonical(username);
        } catch (LatchkeyException e) {
            return null;
        }
    }

}
