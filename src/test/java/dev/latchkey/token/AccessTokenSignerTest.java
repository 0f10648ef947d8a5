package dev.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

import dev.latchkey.config.LatchkeyConfig.SigningProvider;
import dev.latchkey.testsupport.TestKeys;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * The access-token signer without Quarkus: the native provider's RS256 signatures are the JDK's,
 * byte for byte; the tokens are what smallrye-jwt-build wrote before; the JDK fallback signs the
 * same tokens when the native provider is refused or cannot load.
 */
class AccessTokenSignerTest {

    private static final SplittableRandom RANDOM = new SplittableRandom(19);

    private static boolean accpRunsHere() {
        return System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
    }

    private static AccessTokenSigner signer(SigningProvider choice, Supplier<Provider> loader) {
        return new AccessTokenSigner(TestKeys.serviceKid(), TestKeys.servicePrivateKey(), TestKeys.servicePublicKey(),
                choice, loader);
    }

    @Test
    void nativeProviderLoadsOnLinuxX8664AndIsNotInstalledGlobally() {
        assumeTrue(accpRunsHere(), "ACCP ships a linux-x86_64 library only");
        AccessTokenSigner signer = signer(SigningProvider.AUTO, AccessTokenSigner::loadNative);
        assertTrue(signer.isNative(), signer.implementation());
        assertTrue(signer.implementation().startsWith("AmazonCorrettoCryptoProvider"), signer.implementation());
        for (Provider installed : Security.getProviders()) {
            assertFalse(installed.getName().startsWith("AmazonCorretto"), "ACCP must not be a JCA provider");
        }
    }

    /** RSASSA-PKCS1-v1_5 is deterministic: the same input and key give the same bytes, whoever signs. */
    @Test
    void nativeSignaturesAreTheJdksByteForByte() throws Exception {
        assumeTrue(accpRunsHere(), "ACCP ships a linux-x86_64 library only");
        Provider accp = Accp.load();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        List<PrivateKey> keys = new ArrayList<>(
                List.of(TestKeys.servicePrivateKey(), generator.generateKeyPair().getPrivate()));
        generator.initialize(3072);
        keys.add(generator.generateKeyPair().getPrivate());
        int compared = 0;
        for (PrivateKey key : keys) {
            PrivateKey nativeKey = (PrivateKey) KeyFactory.getInstance("RSA", accp).translateKey(key);
            Signature jdk = Signature.getInstance("SHA256withRSA");
            jdk.initSign(key);
            Signature viaAccp = Signature.getInstance("SHA256withRSA", accp);
            viaAccp.initSign(nativeKey);
            Signature foreignKey = Signature.getInstance("SHA256withRSA", accp);
            foreignKey.initSign(key);
            assertEquals(accp, viaAccp.getProvider());
            for (int i = 0; i < 300; i++) {
                byte[] input = new byte[i < 10 ? i : RANDOM.nextInt(4096)];
                RANDOM.nextBytes(input);
                jdk.update(input);
                viaAccp.update(input);
                foreignKey.update(input);
                byte[] expected = jdk.sign();
                assertArrayEquals(expected, viaAccp.sign(), "input " + i);
                assertArrayEquals(expected, foreignKey.sign(), "input " + i + " (the JDK's key object)");
                compared++;
            }
        }
        assertEquals(900, compared);
    }

    /** The same tokens from both providers and from smallrye-jwt-build, for many claim sets. */
    @Test
    void tokensAreWhatSmallryeJwtBuildWritesWhicheverProviderSigns() {
        AccessTokenSigner jdk = signer(SigningProvider.JDK, () -> {
            throw new AssertionError("jdk must not load the native provider");
        });
        AccessTokenSigner auto = signer(SigningProvider.AUTO, AccessTokenSigner::loadNative);
        assertFalse(jdk.isNative());
        assertEquals(accpRunsHere(), auto.isNative(), auto.implementation());
        for (int i = 0; i < 200; i++) {
            UUID jti = UUID.randomUUID();
            Instant iat = Instant.ofEpochSecond(1_700_000_000L + RANDOM.nextInt(100_000_000));
            Instant exp = iat.plusSeconds(1 + RANDOM.nextInt(86_400));
            List<String> audience = i % 3 == 0 ? List.of("latchkey", "api-" + i, "other") : List.of("aud-" + i);
            String issuer = "https://id.example.com/" + i;
            JwtClaims ours;
            JwtClaimsBuilder theirs;
            if (i % 2 == 0) {
                UUID user = UUID.randomUUID();
                UUID sid = UUID.randomUUID();
                String name = "user-" + i + (i % 4 == 0 ? "-\u00e9\u4e2d\"\\/" : "");
                List<String> roles = i % 5 == 0 ? List.of()
                        : i % 3 == 0 ? List.of("user", "admin", "auditor") : List.of("user");
                long version = RANDOM.nextLong(1_000_000_000_000L);
                ours = AccessTokenIssuer.userClaims(user, name, roles, sid, "web-" + i, version);
                // exactly what AccessTokenIssuer built with smallrye-jwt-build before
                theirs = Jwt.claims().subject(user.toString()).upn(name).preferredUserName(name)
                        .groups(new HashSet<>(roles)).claim("sid", sid.toString()).claim("client_id", "web-" + i)
                        .claim("token_version", version);
            } else {
                String client = "client-" + i;
                Set<String> scopes = i % 5 == 1 ? Set.of() : Set.of("reports:read", "reports:write");
                ours = AccessTokenIssuer.clientClaims(client, scopes);
                theirs = Jwt.claims().subject(client).claim("client_id", client);
                if (!scopes.isEmpty()) {
                    theirs.claim("scope", String.join(" ", scopes));
                }
            }
            AccessTokenIssuer.stamp(ours, issuer, jti, iat, exp, audience);
            theirs.issuer(issuer).claim("jti", jti.toString()).issuedAt(iat.getEpochSecond())
                    .expiresAt(exp.getEpochSecond());
            if (audience.size() == 1) {
                theirs.audience(audience.get(0));
            } else {
                theirs.audience(new HashSet<>(audience));
            }
            String expected = theirs.jws().algorithm(SignatureAlgorithm.RS256).keyId(TestKeys.serviceKid())
                    .header("typ", "at+jwt").sign(TestKeys.servicePrivateKey());
            assertEquals(expected, jdk.sign(ours), "claims " + i);
            assertEquals(expected, auto.sign(ours), "claims " + i);
        }
    }

    @Test
    void forcedJdkNeverLoadsTheNativeProviderAndItsTokensVerify() throws Exception {
        AtomicBoolean asked = new AtomicBoolean();
        AccessTokenSigner signer = signer(SigningProvider.JDK, () -> {
            asked.set(true);
            return Accp.load();
        });
        assertFalse(asked.get());
        assertFalse(signer.isNative());
        assertTrue(signer.implementation().contains("latchkey.signing-provider=jdk"), signer.implementation());
        assertVerifies(signer, TestKeys.servicePublicKey());
    }

    /** A missing or broken native library: the JDK signs, the tokens are the same. */
    @Test
    void aNativeProviderThatCannotLoadFallsBackToTheJdk() throws Exception {
        List<Supplier<Provider>> failures = List.of(
                () -> {
                    throw new UnsatisfiedLinkError("no amazonCorrettoCryptoProvider in java.library.path");
                },
                () -> {
                    throw new NoClassDefFoundError("com/amazon/corretto/crypto/provider/AmazonCorrettoCryptoProvider");
                },
                () -> {
                    throw new IllegalStateException("its self-tests did not pass: FAILED");
                },
                // a provider without RSA: what a half-loaded native library looks like from here
                () -> new Provider("Broken", "1", "no services") {
                });
        for (Supplier<Provider> failure : failures) {
            AccessTokenSigner signer = signer(SigningProvider.AUTO, failure);
            assertFalse(signer.isNative(), signer.implementation());
            assertTrue(signer.implementation().startsWith("the JDK"), signer.implementation());
            assertVerifies(signer, TestKeys.servicePublicKey());
        }
    }

    @Test
    void aProviderWhoseSignaturesDifferFromTheJdksIsRefused() throws Exception {
        assumeTrue(accpRunsHere(), "ACCP ships a linux-x86_64 library only");
        // the native provider, but the public key given does not match the private key: the known-answer
        // check at start must refuse to use it rather than mint tokens nobody can verify
        KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        AccessTokenSigner signer = new AccessTokenSigner(TestKeys.serviceKid(), TestKeys.servicePrivateKey(),
                other.getPublic(), SigningProvider.AUTO, AccessTokenSigner::loadNative);
        assertFalse(signer.isNative());
        assertTrue(signer.implementation().contains("does not verify"), signer.implementation());
    }

    @Test
    void signsConcurrently() throws Exception {
        AccessTokenSigner signer = signer(SigningProvider.AUTO, AccessTokenSigner::loadNative);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < 50; i++) {
                        assertVerifies(signer, TestKeys.servicePublicKey());
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), errors);
    }

    private static void assertVerifies(AccessTokenSigner signer, PublicKey publicKey) throws Exception {
        JwtClaims claims = AccessTokenIssuer.userClaims(UUID.randomUUID(), "alice", List.of("user"), UUID.randomUUID(),
                "web", 3);
        Instant now = Instant.now();
        AccessTokenIssuer.stamp(claims, "http://localhost:8080", UUID.randomUUID(), now, now.plusSeconds(900),
                List.of("latchkey"));
        String token = signer.sign(claims);
        JwtClaims verified = new JwtConsumerBuilder()
                .setVerificationKey(publicKey)
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
                .setExpectedIssuer("http://localhost:8080")
                .setExpectedAudience("latchkey")
                .setExpectedType(true, "at+jwt")
                .setRequireExpirationTime()
                .build()
                .processToClaims(token);
        assertEquals("alice", verified.getClaimValue("upn"));
    }
}
