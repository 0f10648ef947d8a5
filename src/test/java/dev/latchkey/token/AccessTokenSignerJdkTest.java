package dev.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.revocation.RevocationCache;
import dev.latchkey.testsupport.PureJavaCrypto;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@code latchkey.signing-provider=jdk}: the JDK signs, and the tokens verify as before. */
@QuarkusTest
@TestProfile(PureJavaCrypto.class)
class AccessTokenSignerJdkTest {

    @Inject
    AccessTokenSigner signer;
    @Inject
    AccessTokenIssuer issuer;
    @Inject
    AccessTokenVerifier verifier;
    @Inject
    RevocationCache cache;

    @Test
    void theJdkSigns() {
        assertFalse(signer.isNative());
        assertTrue(signer.implementation().contains("latchkey.signing-provider=jdk"), signer.implementation());
    }

    @Test
    void itsTokensVerifyWithTheVerifierAndAgainstTheJwks() throws Exception {
        AccessTokenSignerQuarkusTest.assertTokensVerify(issuer, verifier, cache);
    }
}
