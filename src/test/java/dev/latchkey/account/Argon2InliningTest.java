package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

class Argon2InliningTest {

    @Test
    void creatingTheHasherMakesTheJitInlineBouncyCastlesArgon2Code() throws Exception {
        new PasswordHasher();
        new PasswordHasher(); // the directive goes in once per JVM, not once per instance

        String directives = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] { new String[0] }, new String[] { String[].class.getName() }));

        // one "Directive:" block per directive added, each listing its C1 and C2 settings
        String inline = "inline: +org/bouncycastle/crypto/generators/Argon2BytesGenerator";
        long ours = Arrays.stream(directives.split("Directive:")).filter(block -> block.contains(inline)).count();
        assertEquals(1, ours, directives);
    }
}
