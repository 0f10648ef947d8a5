package dev.latchkey.token;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import jakarta.inject.Inject;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import dev.latchkey.revocation.Owner;
import dev.latchkey.revocation.RevocationCache;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The signer the service runs with by default ({@code latchkey.signing-provider=auto}): on
 * linux-x86_64 the native provider, and its tokens verify with the service's own verifier and
 * against the JWKS. ({@link AccessTokenSignerJdkTest}: the same with the JDK forced.)
 */
@QuarkusTest
class AccessTokenSignerQuarkusTest {

    @Inject
    AccessTokenSigner signer;
    @Inject
    AccessTokenIssuer issuer;
    @Inject
    AccessTokenVerifier verifier;
    @Inject
    RevocationCache cache;

    static boolean accpRunsHere() {
        return System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
    }

    @Test
    void autoSignsNativelyWhereTheLibraryRuns() {
        assertEquals(accpRunsHere(), signer.isNative(), signer.implementation());
    }

    @Test
    void itsTokensVerifyWithTheVerifierAndAgainstTheJwks() throws Exception {
        assertTokensVerify(issuer, verifier, cache);
    }

    /**
     * Mints the way the token endpoint does: the client's version key first (a token whose owner
     * has none is refused with 503, see RevocationCache), then the token. Without it the check
     * passed only while an earlier test's mint or a rebuild had left the key in Redis.
     */
    static void assertTokensVerify(AccessTokenIssuer issuer, AccessTokenVerifier verifier, RevocationCache cache)
            throws Exception {
        cache.recordMint(Owner.client("reports"), 0);
        String token = issuer.issueForClient("reports", Set.of("reports:read")).value();
        AccessTokenClaims claims = verifier.verifyIfValid(token).orElseThrow();
        assertEquals("reports", claims.clientId());

        String jwks = given().get("/.well-known/jwks.json").then().statusCode(200).extract().asString();
        JwtClaims verified = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, "RS256")
                .setExpectedIssuer("http://localhost:8080")
                .setExpectedAudience("latchkey")
                .setExpectedType(true, "at+jwt")
                .setRequireExpirationTime()
                .build()
                .processToClaims(token);
        assertTrue(verified.getSubject().equals("reports"));
    }
}
