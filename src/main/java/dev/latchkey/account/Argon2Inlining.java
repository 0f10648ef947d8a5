package dev.latchkey.account;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.management.ObjectName;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ImageMode;

/**
 * Asks HotSpot to inline Bouncy Castle's argon2id code (a compiler directive, added through the
 * JVM's own diagnostic-command MBean, the same as {@code jcmd <pid> Compiler.directives_add}).
 * <p>
 * Without it, HotSpot compiles the argon2id loops one of two ways, chosen anew at every start, and
 * the slow one takes twice as long per verification (2 threads: 18-21 against 44-55
 * verifications/s, start to start). With the directive every start is fast. It only changes how
 * the JIT compiles those methods. The JVM option
 * {@code -XX:CompileCommand=inline,org.bouncycastle.crypto.generators.Argon2BytesGenerator*::*}
 * (in the README; the image does not need it) does the same from the command line; this covers
 * every JVM the service runs on, a plain {@code java -jar} and the image included. Native executables have no JIT and skip it;
 * a JVM without the MBean logs it
 * and goes on at whatever speed its compiler picks.
 */
final class Argon2Inlining {

    private static final Logger LOG = Logger.getLogger(Argon2Inlining.class);

    static final String DIRECTIVE = "[{ match: \"*.*\", inline: \"+org/bouncycastle/crypto/generators/Argon2BytesGenerator*.*\" }]";

    /** How the JVM lists the directive once it has it. */
    static final String INLINED = "inline: +org/bouncycastle/crypto/generators/Argon2BytesGenerator";

    private Argon2Inlining() {
    }

    /**
     * Adds the directive unless the JVM already has it (several Quarkus applications, as in tests,
     * can share one JVM); true if this call added it. Call before the first argon2id computation.
     */
    static synchronized boolean request() {
        if (ImageMode.current() != ImageMode.JVM) {
            return false;
        }
        Path file = null;
        try {
            if (String.valueOf(diagnosticCommand("compilerDirectivesPrint")).contains(INLINED)) {
                return false;
            }
            file = Files.createTempFile("latchkey-argon2-inline", ".json");
            Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
            Object answer = diagnosticCommand("compilerDirectivesAdd", file.toString());
            boolean added = String.valueOf(answer).contains("1 compiler directives added");
            if (added) {
                LOG.debug("argon2id: the JIT inlines Bouncy Castle's Argon2BytesGenerator");
            } else {
                LOG.infof("argon2id: the JVM did not take the inlining directive (%s); logins may be up to"
                        + " twice as slow, see the README's JVM settings", String.valueOf(answer).trim());
            }
            return added;
        } catch (Exception | LinkageError e) {
            LOG.infof("argon2id: could not ask the JVM to inline Bouncy Castle's argon2id code (%s); logins may be"
                    + " up to twice as slow, see the README's JVM settings", e.toString());
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** A HotSpot diagnostic command (what jcmd runs), through the platform MBean server. */
    static Object diagnosticCommand(String operation, String... arguments) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] { arguments },
                new String[] { String[].class.getName() });
    }
}
