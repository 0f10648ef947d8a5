package dev.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code latchkey.signing-provider=jdk}: the JDK signs, and the tokens verify as before. */
@QuarkusTest
@TestProfile(AccessTokenSignerJdkTest.ForcedJdk.class)
class AccessTokenSignerJdkTest {

    public static class ForcedJdk implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("latchkey.signing-provider", "jdk");
        }
    }

    @Inject
    AccessTokenSigner signer;
    @Inject
    AccessTokenIssuer issuer;
    @Inject
    AccessTokenVerifier verifier;

    @Test
    void theJdkSigns() {
        assertFalse(signer.isNative());
        assertTrue(signer.implementation().contains("latchkey.signing-provider=jdk"), signer.implementation());
    }

    @Test
    void itsTokensVerifyWithTheVerifierAndAgainstTheJwks() throws Exception {
        AccessTokenSignerQuarkusTest.assertTokensVerify(issuer, verifier);
    }
}
