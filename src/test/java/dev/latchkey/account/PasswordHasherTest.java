package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashesAreArgon2idPhcStringsWithOwaspParameters() {
        String phc = hasher.hash("correct horse battery staple");
        assertTrue(phc.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), phc);
        assertFalse(hasher.needsRehash(phc));
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTime() {
        assertNotEquals(hasher.hash("correct horse battery staple"), hasher.hash("correct horse battery staple"));
    }

    @Test
    void verifyAcceptsTheRightPasswordOnly() {
        String phc = hasher.hash("correct horse battery staple");
        assertTrue(hasher.verify("correct horse battery staple", phc));
        assertFalse(hasher.verify("correct horse battery stapl", phc));
        assertFalse(hasher.verify("correct horse battery staple", "not a phc string"));
    }

    @Test
    void unicodeIsNormalisedSoComposedAndDecomposedFormsMatch() {
        String composed = "caf\u00e9-au-lait";
        String decomposed = "cafe\u0301-au-lait";
        assertTrue(hasher.verify(decomposed, hasher.hash(composed)));
    }

    @Test
    void theDummyHashUsesTodaysParametersSoUnknownUsersCostTheSame() {
        assertFalse(hasher.needsRehash(PasswordHasher.DUMMY_HASH));
        assertFalse(hasher.verify("anything", PasswordHasher.DUMMY_HASH));
    }

    @Test
    void hashesMadeByAnotherArgon2LibraryVerify() {
        // made by Password4j 1.8.4 (the library used before): PHC strings are portable
        String phc = "$argon2id$v=19$m=19456,t=2,p=1$eJsYdfECTy+75zifo/PUkA$r3oxZz256PS2Yq8PEOChxrHmvKctmsg8YLIY+CsyM9w";
        assertTrue(hasher.verify("correct horse", phc));
        assertFalse(hasher.verify("correct horse!", phc));
    }

    @Test
    void rfc9106TestVectorOfArgon2idVerifies() {
        // RFC 9106 §5.3 uses a secret and associated data, which PHC strings cannot carry; instead:
        // the reference implementation's own argon2id test (phc-winner-argon2 src/test.c):
        // password "password", salt "somesalt", t=2, m=65536, p=1, v=19
        String phc = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertTrue(hasher.verify("password", phc));
    }

    @Test
    void unreadableOrHostileHashesAreMismatches() {
        assertFalse(hasher.verify("x",
                "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
        assertFalse(hasher.verify("x", "$argon2id$v=19$m=65536,t=2,p=1$!!!$???"));
        assertFalse(
                hasher.verify("x", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"));
        assertFalse(hasher.verify("x", null));
    }

    @Test
    void weakerHashesAreFlaggedForRehash() {
        assertTrue(hasher
                .needsRehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"));
        assertTrue(hasher.needsRehash("$2a$10$abcdefghijklmnopqrstuu"));
    }
}
