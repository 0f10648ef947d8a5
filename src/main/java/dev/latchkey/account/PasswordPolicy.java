package dev.latchkey.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.error.LatchkeyException;

/**
 * The password rules of the contract (NIST SP 800-63B §5.1.1.2): 8 to 128 code points, any
 * Unicode, no control characters, not a common or breached password, not the username. No
 * composition rules and no expiry: those make passwords worse, not better.
 */
@ApplicationScoped
public class PasswordPolicy {

    public static final int MIN_CODE_POINTS = 8;
    public static final int MAX_CODE_POINTS = 128;
    static final String COMMON_PASSWORDS = "common-passwords.txt";

    private final Set<String> common;

    public PasswordPolicy() {
        this.common = load();
    }

    /** Throws 400 {@code invalid_request} naming the rule broken (never echoing the password). */
    public void check(String password, String username) {
        if (password == null) {
            throw LatchkeyException.invalidRequest("password is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_CODE_POINTS || length > MAX_CODE_POINTS) {
            throw LatchkeyException.invalidRequest(
                    "password must be " + MIN_CODE_POINTS + " to " + MAX_CODE_POINTS + " characters");
        }
        if (password.codePoints().anyMatch(Character::isISOControl)) {
            throw LatchkeyException.invalidRequest("password must not contain control characters");
        }
        String folded = Unicode.fold(password);
        if (common.contains(folded)) {
            throw LatchkeyException.invalidRequest("password is too common; choose another one");
        }
        if (username != null && folded.equals(Unicode.fold(username))) {
            throw LatchkeyException.invalidRequest("password must not be the username");
        }
    }

    /** How many common passwords are known (for tests and the README). */
    public int commonPasswordCount() {
        return common.size();
    }

    private static Set<String> load() {
        Set<String> passwords = new HashSet<>(32_768);
        try (InputStream in = PasswordPolicy.class.getClassLoader().getResourceAsStream(COMMON_PASSWORDS)) {
            if (in == null) {
                throw new IllegalStateException(COMMON_PASSWORDS + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = reader.readLine()) != null;) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    passwords.add(Unicode.fold(line));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + COMMON_PASSWORDS, e);
        }
        return Set.copyOf(passwords);
    }
}
