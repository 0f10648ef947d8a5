package dev.latchkey.account;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.Normalizer;

import jakarta.enterprise.context.ApplicationScoped;

import com.password4j.Argon2Function;
import com.password4j.types.Argon2;

/**
 * argon2id password hashing (RFC 9106) through Password4j, stored as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}).
 * <p>
 * Parameters are OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1): on two cores that is
 * about 30 logins per second per core, which is the point. Passwords are NFKC-normalised before
 * hashing (NIST SP 800-63B §5.1.1.2), so the same password typed on two keyboards matches.
 */
@ApplicationScoped
public class PasswordHasher {

    public static final int MEMORY_KIB = 19 * 1024;
    public static final int ITERATIONS = 2;
    public static final int PARALLELISM = 1;
    public static final int HASH_BYTES = 32;
    public static final int SALT_BYTES = 16;

    /**
     * The hash of a random password nobody knows, with the current parameters. Verifying against
     * it for an unknown user costs exactly what verifying a real user's hash costs.
     */
    static final String DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$eJsYdfECTy+75zifo/PUkA"
            + "$2DWJM1mzUWzp0pGHERetCgi67AqodmY0X9A2RI1ua/c";

    private static final Argon2Function ARGON2 = Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM,
            HASH_BYTES, Argon2.ID, Argon2Function.ARGON2_VERSION_13);

    private final SecureRandom random = new SecureRandom();

    /** A new PHC string for {@code password}, with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return ARGON2.hash(normalize(password), salt).getResult();
    }

    /** True if {@code password} matches {@code phc}. Any unreadable hash is a mismatch. */
    public boolean verify(String password, String phc) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(phc);
            return stored.check(normalize(password), phc.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Burns the time of one verification, for a username that does not exist. */
    public void verifyDummy(String password) {
        verify(password, DUMMY_HASH);
    }

    /** True when {@code phc} was made with weaker parameters than today's and should be redone. */
    public boolean needsRehash(String phc) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(phc);
            return stored.getVariant() != Argon2.ID || stored.getMemory() < MEMORY_KIB
                    || stored.getIterations() < ITERATIONS || stored.getOutputLength() < HASH_BYTES;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static byte[] normalize(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
    }
}
