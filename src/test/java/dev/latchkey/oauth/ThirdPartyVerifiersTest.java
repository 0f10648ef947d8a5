package dev.latchkey.oauth;

import static dev.latchkey.oauth.OAuth2EndpointsTest.REPORTS;
import static dev.latchkey.oauth.OAuth2EndpointsTest.REPORTS_SECRET;
import static dev.latchkey.oauth.OAuth2EndpointsTest.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URL;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Latchkey's access tokens as third-party resource servers see them, configured exactly as the
 * README's "Verifying access tokens in your resource server" tells their users to: Spring
 * Security's {@code NimbusJwtDecoder} with {@code JwtValidators.createAtJwtValidator()} (which
 * requires {@code typ} at+jwt and the claims of RFC 9068 §2.2, {@code client_id} among them), and
 * Nimbus JOSE+JWT's {@code DefaultJWTProcessor}, whose default refuses the {@code at+jwt} type.
 */
@QuarkusTest
class ThirdPartyVerifiersTest {

    static final String ISSUER = "http://localhost:8080";

    @TestHTTPResource("/.well-known/jwks.json")
    URL jwks;

    NimbusJwtDecoder decoder(String clientId) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwks.toString()).validateType(false).build();
        decoder.setJwtValidator(JwtValidators.createAtJwtValidator()
                .issuer(ISSUER).audience("latchkey").clientId(clientId).build());
        return decoder;
    }

    @Test
    void aUsersAccessTokenPassesSpringSecuritysRfc9068Validator() {
        Session session = TestUsers.newSession();
        Jwt jwt = decoder("web").decode(session.accessToken());
        assertEquals("web", jwt.getClaimAsString("client_id"));
        assertEquals(session.user().id(), jwt.getSubject());
        assertEquals("at+jwt", jwt.getHeaders().get("typ"));
    }

    @Test
    void aClientCredentialsTokenPassesItWithTheClientsId() {
        String token = basic(REPORTS, REPORTS_SECRET).formParam("grant_type", "client_credentials")
                .post("/oauth2/token").then().statusCode(200).extract().jsonPath().getString("access_token");
        Jwt jwt = decoder(REPORTS).decode(token);
        assertEquals(REPORTS, jwt.getClaimAsString("client_id"));
        assertEquals(REPORTS, jwt.getSubject());
    }

    @Test
    void theValidatorReallyChecksTheClient() {
        Session session = TestUsers.newSession();
        assertThrows(JwtValidationException.class, () -> decoder("another-client").decode(session.accessToken()));
    }

    /** The README's Nimbus configuration: at+jwt, RS256 from the JWKS, issuer, audience, required claims. */
    DefaultJWTProcessor<SecurityContext> nimbus() throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks).build();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>("latchkey",
                new JWTClaimsSet.Builder().issuer(ISSUER).build(), Set.of("sub", "client_id", "iat", "exp", "jti")));
        return processor;
    }

    @Test
    void nimbusAcceptsTheTokenWhenToldToExpectAtJwt() throws Exception {
        Session session = TestUsers.newSession();
        JWTClaimsSet claims = nimbus().process(session.accessToken(), null);
        assertEquals(session.user().id(), claims.getSubject());
        assertEquals("web", claims.getStringClaim("client_id"));
    }

    @Test
    void nimbusDefaultsRefuseTheAtJwtTypeWhichIsWhyTheReadmeSetsIt() throws Exception {
        Session session = TestUsers.newSession();
        DefaultJWTProcessor<SecurityContext> defaults = new DefaultJWTProcessor<>();
        defaults.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                JWKSourceBuilder.<SecurityContext> create(jwks).build()));
        assertThrows(BadJOSEException.class, () -> defaults.process(session.accessToken(), null));
    }
}
