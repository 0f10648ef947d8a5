package dev.latchkey.account;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.config.LatchkeyConfig.PasswordHasherChoice;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.Startup;

/**
 * argon2id password hashing (RFC 9106) with Bouncy Castle's implementation, stored as PHC strings
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, standard base64 without padding), so
 * hashes from any other argon2 library verify here and the other way round.
 * <p>
 * Parameters are OWASP's minimum for argon2id (m = 19 MiB, t = 2, p = 1): on this project's
 * 2-core machine that is about 15 verifications per second per core, which is the point.
 * Passwords are NFKC-normalised before hashing (NIST SP 800-63B §5.1.1.2), so the same password
 * typed on two keyboards matches.
 * <p>
 * libargon2 (the reference C implementation with its SIMD path, through JNA) computes argon2id
 * where it loads, on a JVM, and must give the same bytes as Bouncy Castle on a small input at
 * start (else it is not used); Bouncy Castle computes what this binding does not (argon2i/d, version 0x10, more than one lane)
 * and everything in the native executable or with
 * {@code latchkey.password-hasher=bouncycastle}.
 */
@Singleton
@Startup // chosen, checked and logged at start, not on the first login
public class PasswordHasher {

    private static final Logger LOG = Logger.getLogger(PasswordHasher.class);

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

    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();
    /** Bounds for parameters read from a stored hash: never let a hash make us allocate gigabytes. */
    private static final int MAX_MEMORY_KIB = 1024 * 1024;
    private static final int MAX_ITERATIONS = 64;

    private final SecureRandom random = new SecureRandom();

    /**
     * At most one argon2id computation per core at a time. argon2id is memory-hard: run 32 of them
     * at once on 2 cores and each of their 19 MiB working sets keeps evicting the others from the
     * caches, so every login costs several times its CPU (and the heap holds 32 × 19 MiB). Queued
     * logins wait their turn instead, which is faster for every one of them.
     */
    private final Semaphore cores = new Semaphore(Runtime.getRuntime().availableProcessors(), true);

    /** libargon2's argon2id, or null where Bouncy Castle computes everything. */
    private final Argon2Function nativeArgon2;
    private final String implementation;

    /** Bouncy Castle for everything (the tests of the fallback, and the class's own tests). */
    PasswordHasher() {
        this(PasswordHasherChoice.BOUNCYCASTLE, PasswordHasher::loadNative);
    }

    @Inject
    PasswordHasher(LatchkeyConfig config) {
        this(config.passwordHasher(), PasswordHasher::loadNative);
    }

    /**
     * @param nativeLoader loads libargon2; throws when it cannot be used (called only for
     *        {@link PasswordHasherChoice#AUTO})
     */
    PasswordHasher(PasswordHasherChoice choice, Supplier<NativeArgon2> nativeLoader) {
        Argon2Inlining.request();
        Argon2Function chosen = null;
        String description = "Bouncy Castle (pure Java)";
        if (choice == PasswordHasherChoice.BOUNCYCASTLE) {
            description += ", as latchkey.password-hasher=bouncycastle asks";
        } else {
            try {
                NativeArgon2 loaded = nativeLoader.get();
                checkAgainstBouncyCastle(loaded.function());
                chosen = loaded.function();
                description = "libargon2 (native, " + loaded.from() + "); Bouncy Castle for hashes it cannot compute";
            } catch (Exception | LinkageError e) {
                description += "; libargon2 is not usable here: " + e;
            }
        }
        this.nativeArgon2 = chosen;
        this.implementation = description;
        LOG.infof("argon2id passwords are hashed by %s", implementation);
    }

    /** libargon2 through JNA, on a JVM only (the native build leaves JNA out). */
    static NativeArgon2 loadNative() {
        if (ImageMode.current().isNativeImage()) {
            throw new IllegalStateException("JNA and libargon2 are not linked into the native executable");
        }
        // by name, not a static reference: the native build links every class it reaches
        try {
            Class<?> libargon2 = Class.forName(PasswordHasher.class.getPackageName() + ".Libargon2");
            Method load = libargon2.getDeclaredMethod("load");
            load.setAccessible(true);
            return (NativeArgon2) load.invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JNA is not on the class path: " + e, e);
        }
    }

    /** The native function must give Bouncy Castle's bytes (a cheap input: 64 KiB, t=1). */
    private static void checkAgainstBouncyCastle(Argon2Function function) {
        byte[] password = "latchkey self-test".getBytes(StandardCharsets.UTF_8);
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        byte[] expected = bouncyCastle(password, Argon2Parameters.ARGON2_id, Argon2Parameters.ARGON2_VERSION_13, 64, 1, 1,
                salt, HASH_BYTES);
        if (!MessageDigest.isEqual(expected, function.argon2id(password, salt, 1, 64, HASH_BYTES))) {
            throw new IllegalStateException("its argon2id differs from Bouncy Castle's");
        }
    }

    /** Whether libargon2 computes today's hashes (false: Bouncy Castle does). */
    public boolean isNative() {
        return nativeArgon2 != null;
    }

    /** What computes argon2id, for the start-up line and diagnostics. */
    public String implementation() {
        return implementation;
    }

    /** The parameters of a PHC string. */
    record Phc(int type, int version, int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    }

    /** A new PHC string for {@code password}, with a fresh random salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = compute(normalize(password), Argon2Parameters.ARGON2_id, Argon2Parameters.ARGON2_VERSION_13,
                MEMORY_KIB, ITERATIONS, PARALLELISM, salt, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(hash);
    }

    /**
     * True if {@code password} matches {@code phc}. Any unreadable hash is a mismatch. An account
     * without a password ({@code phc} null: created by the admin API, no reset used yet) matches
     * nothing, after the time of a real verification, so timing does not tell it apart.
     */
    public boolean verify(String password, String phc) {
        if (phc == null) {
            verifyDummy(password);
            return false;
        }
        Phc stored = parse(phc);
        if (stored == null) {
            return false;
        }
        byte[] computed = compute(normalize(password), stored.type(), stored.version(), stored.memoryKib(),
                stored.iterations(), stored.parallelism(), stored.salt(), stored.hash().length);
        return MessageDigest.isEqual(computed, stored.hash());
    }

    /** Burns the time of one verification, for a username that does not exist. */
    public void verifyDummy(String password) {
        verify(password, DUMMY_HASH);
    }

    /** True when {@code phc} was made with weaker parameters than today's and should be redone. */
    public boolean needsRehash(String phc) {
        Phc stored = parse(phc);
        return stored == null || stored.type() != Argon2Parameters.ARGON2_id || stored.memoryKib() < MEMORY_KIB
                || stored.iterations() < ITERATIONS || stored.hash().length < HASH_BYTES;
    }

    private byte[] compute(byte[] password, int type, int version, int memoryKib, int iterations, int parallelism,
            byte[] salt, int length) {
        if (nativeArgon2 != null && type == Argon2Parameters.ARGON2_id && version == Argon2Parameters.ARGON2_VERSION_13
                && parallelism == 1) {
            return oneAtATimePerCore(() -> nativeArgon2.argon2id(password, salt, iterations, memoryKib, length));
        }
        return oneAtATimePerCore(() -> bouncyCastle(password, type, version, memoryKib, iterations, parallelism, salt, length));
    }

    private static byte[] bouncyCastle(byte[] password, int type, int version, int memoryKib, int iterations,
            int parallelism, byte[] salt, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(type).withVersion(version).withMemoryAsKB(memoryKib)
                .withIterations(iterations).withParallelism(parallelism).withSalt(salt).build());
        byte[] out = new byte[length];
        generator.generateBytes(password, out);
        return out;
    }

    /** Parses {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}; null if it is not one we can verify. */
    static Phc parse(String phc) {
        if (phc == null) {
            return null;
        }
        String[] parts = phc.split("\\$");
        try {
            int type = switch (parts.length > 1 ? parts[1] : "") {
                case "argon2id" -> Argon2Parameters.ARGON2_id;
                case "argon2i" -> Argon2Parameters.ARGON2_i;
                case "argon2d" -> Argon2Parameters.ARGON2_d;
                default -> -1;
            };
            if (type < 0 || (parts.length != 6 && parts.length != 5)) {
                return null;
            }
            int next = 2;
            int version = Argon2Parameters.ARGON2_VERSION_10;
            if (parts[next].startsWith("v=")) {
                version = Integer.parseInt(parts[next++].substring(2));
            }
            int memory = -1;
            int iterations = -1;
            int parallelism = -1;
            for (String param : parts[next++].split(",")) {
                int eq = param.indexOf('=');
                int value = Integer.parseInt(param.substring(eq + 1));
                switch (param.substring(0, eq)) {
                    case "m" -> memory = value;
                    case "t" -> iterations = value;
                    case "p" -> parallelism = value;
                    default -> {
                        return null;
                    }
                }
            }
            byte[] salt = B64_DECODER.decode(parts[next++]);
            byte[] hash = B64_DECODER.decode(parts[next]);
            if ((version != Argon2Parameters.ARGON2_VERSION_13 && version != Argon2Parameters.ARGON2_VERSION_10)
                    || memory < 8 || memory > MAX_MEMORY_KIB || iterations < 1 || iterations > MAX_ITERATIONS
                    || parallelism < 1 || parallelism > 16 || salt.length < 8 || hash.length < 16) {
                return null;
            }
            return new Phc(type, version, memory, iterations, parallelism, salt, hash);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private <T> T oneAtATimePerCore(Supplier<T> work) {
        cores.acquireUninterruptibly();
        try {
            return work.get();
        } finally {
            cores.release();
        }
    }

    private static byte[] normalize(String password) {
        return Unicode.nfkc(password).getBytes(StandardCharsets.UTF_8);
    }
}
