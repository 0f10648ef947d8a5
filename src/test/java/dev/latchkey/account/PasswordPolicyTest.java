package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.latchkey.error.LatchkeyException;

class PasswordPolicyTest {

    private final PasswordPolicy policy = new PasswordPolicy();

    @Test
    void shipsAtLeastTenThousandCommonPasswords() {
        assertTrue(policy.commonPasswordCount() >= 10_000, "only " + policy.commonPasswordCount());
    }

    @Test
    void commonPasswordsAreRefusedWhateverTheirCase() {
        assertThrows(LatchkeyException.class, () -> policy.check("password1", "someone"));
        assertThrows(LatchkeyException.class, () -> policy.check("PASSWORD1", "someone"));
        assertThrows(LatchkeyException.class, () -> policy.check("qwertyuiop", "someone"));
    }

    @Test
    void lengthIsEightToOneHundredTwentyEightCodePoints() {
        assertThrows(LatchkeyException.class, () -> policy.check("7chars!", "someone"));
        assertDoesNotThrow(() -> policy.check("8 chars!", "someone"));
        assertDoesNotThrow(() -> policy.check("x".repeat(127) + "y", "someone"));
        assertThrows(LatchkeyException.class, () -> policy.check("x".repeat(128) + "y", "someone"));
    }

    @Test
    void unicodeIsAllowedAndControlCharactersAreNot() {
        assertDoesNotThrow(() -> policy.check("пароль-очень-длинный", "someone"));
        assertThrows(LatchkeyException.class, () -> policy.check("nul\u0000inside-the-password", "someone"));
    }

    @Test
    void theUsernameIsNotAPassword() {
        assertThrows(LatchkeyException.class, () -> policy.check("Someone.Else", "someone.else"));
    }
}
