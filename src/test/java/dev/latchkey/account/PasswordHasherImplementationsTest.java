package dev.latchkey.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.latchkey.config.LatchkeyConfig.PasswordHasherChoice;

/**
 * libargon2 and Bouncy Castle side by side: the same PHC strings, and the fallback. The tests' JVM
 * finds libargon2 in target/native-libs (java.library.path, see pom.xml), built by
 * tools/argon2/build.sh at generate-resources.
 */
class PasswordHasherImplementationsTest {

    private final PasswordHasher libargon2 = new PasswordHasher(PasswordHasherChoice.AUTO, PasswordHasher::loadNative);
    private final PasswordHasher bouncyCastle = new PasswordHasher(PasswordHasherChoice.BOUNCYCASTLE,
            () -> {
                throw new AssertionError("bouncycastle must not load libargon2");
            });

    @Test
    void libargon2LoadsOnThisLinuxAmd64Jvm() {
        assertTrue(libargon2.isNative(), libargon2.implementation());
        assertTrue(libargon2.implementation().startsWith("libargon2 (native, x86-64-v"), libargon2.implementation());
        assertFalse(bouncyCastle.isNative());
        assertTrue(bouncyCastle.implementation().contains("latchkey.password-hasher=bouncycastle"));
    }

    @Test
    void hashesVerifyAcrossImplementationsBothWays() {
        String byLibargon2 = libargon2.hash("correct horse battery staple");
        String byBouncyCastle = bouncyCastle.hash("correct horse battery staple");
        assertTrue(byLibargon2.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), byLibargon2);
        assertTrue(bouncyCastle.verify("correct horse battery staple", byLibargon2));
        assertTrue(libargon2.verify("correct horse battery staple", byBouncyCastle));
        assertFalse(bouncyCastle.verify("correct horse battery stapl", byLibargon2));
        assertFalse(libargon2.verify("correct horse battery stapl", byBouncyCastle));
    }

    @Test
    void theReferenceImplementationsVectorVerifiesWithLibargon2() {
        // phc-winner-argon2 src/test.c: "password", salt "somesalt", t=2, m=65536, p=1, v=19
        String phc = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
        assertTrue(libargon2.verify("password", phc));
        assertFalse(libargon2.verify("passwore", phc));
    }

    @Test
    void whatLibargon2CannotComputeGoesToBouncyCastle() {
        AtomicInteger nativeCalls = new AtomicInteger();
        PasswordHasher counting = new PasswordHasher(PasswordHasherChoice.AUTO, () -> {
            NativeArgon2 real = PasswordHasher.loadNative();
            return new NativeArgon2((password, salt, iterations, memoryKib, length) -> {
                nativeCalls.incrementAndGet();
                return real.function().argon2id(password, salt, iterations, memoryKib, length);
            }, real.from());
        });
        nativeCalls.set(0); // the start-up comparison called it once
        // two lanes, argon2i, version 0x10: each made by Bouncy Castle here
        String[] others = {
                bouncyCastleHash("pw", org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id, 0x13, 2, 16),
                bouncyCastleHash("pw", org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_i, 0x13, 1, 16),
                bouncyCastleHash("pw", org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id, 0x10, 1, 16) };
        for (String phc : others) {
            assertTrue(counting.verify("pw", phc), phc);
            assertFalse(counting.verify("px", phc), phc);
        }
        assertEquals(0, nativeCalls.get());
        assertTrue(counting.verify("pw", counting.hash("pw")));
        assertEquals(2, nativeCalls.get());
        // an 8-byte salt (argon2's minimum) is libargon2's
        String shortSalt = bouncyCastleHash("pw", org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id, 0x13, 1, 8);
        assertTrue(counting.verify("pw", shortSalt));
        assertFalse(counting.verify("px", shortSalt));
        assertEquals(4, nativeCalls.get());
    }

    @Test
    void aLibraryThatCannotLoadLeavesBouncyCastleDoingEverything() {
        PasswordHasher fallback = new PasswordHasher(PasswordHasherChoice.AUTO, () -> {
            throw new UnsatisfiedLinkError("no libargon2 here");
        });
        assertFalse(fallback.isNative());
        assertTrue(fallback.implementation().contains("libargon2 is not usable here"), fallback.implementation());
        assertTrue(fallback.implementation().contains("no libargon2 here"), fallback.implementation());
        assertTrue(libargon2.verify("pw", fallback.hash("pw")));
        assertTrue(fallback.verify("pw", libargon2.hash("pw")));
    }

    @Test
    void aLibraryThatComputesOtherBytesIsNotUsed() {
        PasswordHasher wrong = new PasswordHasher(PasswordHasherChoice.AUTO,
                () -> new NativeArgon2((password, salt, iterations, memoryKib, length) -> new byte[length], "test"));
        assertFalse(wrong.isNative());
        assertTrue(wrong.implementation().contains("differs from Bouncy Castle's"), wrong.implementation());
        assertTrue(libargon2.verify("pw", wrong.hash("pw")));
    }

    private static String bouncyCastleHash(String password, int type, int version, int lanes, int saltBytes) {
        byte[] salt = new byte[saltBytes];
        new java.security.SecureRandom().nextBytes(salt);
        var generator = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(type).withVersion(version)
                .withMemoryAsKB(1024).withIterations(3).withParallelism(lanes).withSalt(salt).build());
        byte[] hash = new byte[32];
        generator.generateBytes(password.getBytes(java.nio.charset.StandardCharsets.UTF_8), hash);
        String name = type == org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_i ? "argon2i" : "argon2id";
        var b64 = java.util.Base64.getEncoder().withoutPadding();
        return "$" + name + "$v=" + version + "$m=1024,t=3,p=" + lanes + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(hash);
    }

    @Test
    void theBestLevelTheKernelReportsComesFirst() {
        java.util.Set<String> v2 = java.util.Set.of("cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3");
        java.util.Set<String> v3 = new java.util.HashSet<>(v2);
        v3.addAll(java.util.Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "xsave"));
        java.util.Set<String> v4 = new java.util.HashSet<>(v3);
        v4.addAll(java.util.Set.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"));
        assertEquals(java.util.List.of("x86-64-v4", "x86-64-v3", "x86-64-v2"), Libargon2.levels(v4));
        assertEquals(java.util.List.of("x86-64-v3", "x86-64-v2"), Libargon2.levels(v3));
        assertEquals(java.util.List.of("x86-64-v2"), Libargon2.levels(v2));
        // AVX-512 without AVX2 reported (the OS does not save the AVX state): not v3, not v4
        java.util.Set<String> noAvx = new java.util.HashSet<>(v4);
        noAvx.remove("avx2");
        assertEquals(java.util.List.of("x86-64-v2"), Libargon2.levels(noAvx));
        assertEquals(java.util.List.of(), Libargon2.levels(java.util.Set.of("sse2")));
    }

    @Test
    void everyLevelThisCpuRunsComputesTheReferenceVector() {
        // on whichever machine runs this, each library whose level the CPU supports, not only the best
        java.util.List<String> levels = Libargon2.levels(Libargon2.cpuFlags());
        assertFalse(levels.isEmpty(), "an x86-64 CPU without even x86-64-v2?");
        for (String level : levels) {
            java.nio.file.Path file = java.nio.file.Path.of("target/native-libs", Libargon2.DIRECTORY, level, Libargon2.FILE);
            PasswordHasher hasher = new PasswordHasher(PasswordHasherChoice.AUTO, () -> Libargon2.loadFrom(file, level));
            assertTrue(hasher.isNative(), hasher.implementation());
            // phc-winner-argon2 src/test.c's argon2id vector
            assertTrue(hasher.verify("password",
                    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"), level);
            assertTrue(bouncyCastle.verify("pw", hasher.hash("pw")), level);
        }
    }

    @Test
    void workAreasAreKeptAndReusedOnePerCoreAtMost() throws Exception {
        String level = Libargon2.levels(Libargon2.cpuFlags()).get(0);
        java.nio.file.Path file = java.nio.file.Path.of("target/native-libs", Libargon2.DIRECTORY, level, Libargon2.FILE);
        Libargon2.WorkAreas areas = new Libargon2.WorkAreas(2);
        Argon2Function argon2 = Libargon2.loadFrom(file, level, areas).function();
        byte[] salt = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // sequential hashes: one area, made once, kept
        for (int i = 0; i < 5; i++) {
            byte[] password = ("pw" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(java.util.HexFormat.of().formatHex(bouncyCastle(password, salt, 2, 19456)),
                    java.util.HexFormat.of().formatHex(argon2.argon2id(password, salt, 2, 19456, 32)));
        }
        assertEquals(1, areas.made());
        assertEquals(1, areas.kept());

        // 6 threads at once share two areas: at most one more is made, and every result is right
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] password = ("parallel" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                results.add(pool.submit(() -> java.util.Arrays.equals(bouncyCastle(password, salt, 1, 19456),
                        argon2.argon2id(password, salt, 1, 19456, 32))));
            }
            for (var result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(areas.made() <= 2, "areas made: " + areas.made());
        assertTrue(areas.kept() <= 2 && areas.kept() >= 1, "areas kept: " + areas.kept());

        // a stored hash asking for more than the keep limit (64 MiB) gets an area of its own, freed after
        int kept = areas.kept();
        byte[] big = "big".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(
                java.util.Arrays.equals(bouncyCastle(big, salt, 1, 66 * 1024), argon2.argon2id(big, salt, 1, 66 * 1024, 32)));
        assertTrue(areas.kept() <= kept, "an area over the keep limit was kept");
    }

    private static byte[] bouncyCastle(byte[] password, byte[] salt, int iterations, int memoryKib) {
        org.bouncycastle.crypto.generators.Argon2BytesGenerator generator = new org.bouncycastle.crypto.generators.Argon2BytesGenerator();
        generator.init(new org.bouncycastle.crypto.params.Argon2Parameters.Builder(
                org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_id)
                .withVersion(org.bouncycastle.crypto.params.Argon2Parameters.ARGON2_VERSION_13).withSalt(salt)
                .withIterations(iterations).withMemoryAsKB(memoryKib).withParallelism(1).build());
        byte[] out = new byte[32];
        generator.generateBytes(password, out);
        return out;
    }
}
