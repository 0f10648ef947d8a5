package dev.latchkey.account;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.latchkey.error.LatchkeyException;

/**
 * Role rules (API.md "Admin API"): 1 to 64 characters of {@code [A-Za-z0-9_.:-]}, at most 32 per
 * user. Roles become the {@code groups} of access tokens, which resource servers match exactly, so
 * they are kept as given (case and order), a duplicate only once.
 */
public final class Roles {

    public static final int MAX_PER_USER = 32;
    public static final int MAX_LENGTH = 64;
    /** What a new account gets unless told otherwise. */
    public static final List<String> DEFAULT = List.of("user");

    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_LENGTH + "}");

    private Roles() {
    }

    /** The roles, checked and without duplicates; 400 {@code invalid_request} naming the broken rule. */
    public static List<String> check(List<String> roles) {
        if (roles == null) {
            throw LatchkeyException.invalidRequest("roles must be an array of strings");
        }
        if (roles.size() > MAX_PER_USER) {
            throw LatchkeyException.invalidRequest("at most " + MAX_PER_USER + " roles per user");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String role : roles) {
            if (role == null || !ROLE.matcher(role).matches()) {
                throw LatchkeyException.invalidRequest(
                        "a role is 1 to " + MAX_LENGTH + " characters of letters, digits, '_', '.', ':' or '-'");
            }
            unique.add(role);
        }
        return List.copyOf(unique);
    }
}
