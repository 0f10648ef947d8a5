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
    void weakerHashesAreFlaggedForRehash() {
        assertTrue(hasher
                .needsRehash("$argon2id$v=19$m=4096,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"));
        assertTrue(hasher.needsRehash("$2a$10$abcdefghijklmnopqrstuu"));
    }
}
