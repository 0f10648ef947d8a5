package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.PureJavaCrypto;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@code latchkey.password-hasher=bouncycastle}, as on a machine where libargon2 cannot load: users
 * register and log in, and what Bouncy Castle stores verifies with libargon2.
 */
@QuarkusTest
@TestProfile(PureJavaCrypto.class)
class PasswordHasherBouncyCastleTest {

    @Inject
    PasswordHasher hasher;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void bouncyCastleHashes() {
        assertFalse(hasher.isNative());
        assertTrue(hasher.implementation().contains("latchkey.password-hasher=bouncycastle"), hasher.implementation());
    }

    @Test
    void aRegisteredUsersHashVerifiesWithLibargon2AndTheUserLogsIn() {
        PasswordHasherQuarkusTest.assertStoredHashIsPortable(hasher, dataSource);
    }
}
