package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class Argon2InliningTest {

    @Test
    void creatingTheHasherMakesTheJitInlineBouncyCastlesArgon2CodeOnce() throws Exception {
        // other tests of this JVM (every Quarkus application they start) may have added it already
        Argon2Inlining.diagnosticCommand("compilerDirectivesClear");
        assertFalse(directives().contains(Argon2Inlining.INLINED), directives());

        new PasswordHasher();
        new PasswordHasher(); // the directive goes in once per JVM, not once per instance

        // one "Directive:" block per directive added, each listing its C1 and C2 settings
        String directives = directives();
        long ours = Arrays.stream(directives.split("Directive:")).filter(block -> block.contains(Argon2Inlining.INLINED))
                .count();
        assertEquals(1, ours, directives);
    }

    private static String directives() throws Exception {
        return String.valueOf(Argon2Inlining.diagnosticCommand("compilerDirectivesPrint"));
    }
}
