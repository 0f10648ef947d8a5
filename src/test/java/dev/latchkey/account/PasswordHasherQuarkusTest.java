package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The hasher the service runs with by default ({@code latchkey.password-hasher=auto}): libargon2
 * on linux-x86_64, and what it stores verifies with Bouncy Castle.
 * ({@link PasswordHasherBouncyCastleTest}: the service with Bouncy Castle forced.)
 */
@QuarkusTest
class PasswordHasherQuarkusTest {

    @Inject
    PasswordHasher hasher;
    @Inject
    AgroalDataSource dataSource;

    static boolean libargon2RunsHere() {
        return System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
    }

    @Test
    void autoHashesNativelyWhereTheLibraryRuns() {
        assertEquals(libargon2RunsHere(), hasher.isNative(), hasher.implementation());
    }

    @Test
    void aRegisteredUsersHashVerifiesWithBouncyCastleAndTheUserLogsIn() {
        assertStoredHashIsPortable(hasher, dataSource);
    }

    static void assertStoredHashIsPortable(PasswordHasher service, AgroalDataSource dataSource) {
        TestUser user = TestUsers.register();
        TestUsers.login(user);
        String phc = (String) new Db(dataSource).single("SELECT password_hash FROM users WHERE id = ?",
                UUID.fromString(user.id()));
        PasswordHasher other = service.isNative() ? new PasswordHasher()
                : new PasswordHasher(dev.latchkey.config.LatchkeyConfig.PasswordHasherChoice.AUTO, PasswordHasher::loadNative);
        assertTrue(other.verify(user.password(), phc), other.implementation());
    }
}
