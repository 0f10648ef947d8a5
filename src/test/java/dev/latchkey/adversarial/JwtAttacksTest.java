package dev.latchkey.adversarial;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.latchkey.testsupport.Answer;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.RawHttp;
import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Attacks on the access-token verifier (RFC 8725, RFC 9068 §4, ASVS 5.0 V9). The basic forgeries
 * (alg none, HS256 with the public key, another key, wrong typ/iss/aud, tampering) are in
 * {@code token.RefusedAccessTokenTest}; these go deeper. Unless a test says otherwise the token
 * carries a valid RS256 signature by the service's own key, so the refusal is down to the one
 * defect the test names. Every refusal is 401 {@code invalid_token} with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} and {@code Cache-Control: no-store}.
 */
@QuarkusTest
class JwtAttacksTest {

    @Inject
    AgroalDataSource dataSource;

    private static Session shared;

    /** One real session for tests that only read with it; none of them revokes it. */
    private static synchronized Session shared() {
        if (shared == null) {
            shared = TestUsers.newSession();
        }
        return shared;
    }

    static Response me(String token) {
        return given().header("Authorization", "Bearer " + token).get("/auth/me");
    }

    static void refused(String token) {
        Expect.invalidToken(me(token));
    }

    static void accepted(String token) {
        assertEquals(200, me(token).statusCode());
    }

    static long issuedAt(JwtClaims claims) {
        try {
            return claims.getIssuedAt().getValue();
        } catch (org.jose4j.jwt.MalformedClaimException e) {
            throw new IllegalStateException(e);
        }
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    @DisplayName("control (not an attack): the forging code with nothing wrong is accepted, so each refusal below means something")
    void control() {
        assertEquals(200, me(Forge.rs256(Forge.claims(c -> {
        }))).statusCode());
        assertEquals(200, me(Forge.rs256(Forge.header(), Forge.claims(c -> {
        }))).statusCode());
    }

    // ---- alg --------------------------------------------------------------------------------

    @ParameterizedTest(name = "RFC 8725 §3.1/§3.2: alg \"{0}\" with an empty signature is refused")
    @ValueSource(strings = { "NONE", "None", "nOnE" })
    void algNoneInAnyCaseWithoutASignatureIsRefused(String alg) {
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.b64(header) + "." + Forge.b64(Forge.claims(c -> {
        })) + ".");
    }

    @ParameterizedTest(name = "RFC 8725 §3.1: alg \"{0}\" is refused even over a valid RS256 signature (alg is compared exactly)")
    @ValueSource(strings = { "none", "rs256", "RS256 ", "" })
    void anAlgOtherThanExactlyRs256IsRefusedEvenWithAValidSignature(String alg) {
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.rs256(header, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.1: alg RS384 with a valid RS384 signature by the service's own key is refused")
    void rs384SignedByTheServiceKeyIsRefused() {
        String header = "{\"alg\":\"RS384\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.sign("SHA384withRSA", null, TestKeys.servicePrivateKey(), header, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.1: alg RS512 with a valid RS512 signature by the service's own key is refused")
    void rs512SignedByTheServiceKeyIsRefused() {
        String header = "{\"alg\":\"RS512\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.sign("SHA512withRSA", null, TestKeys.servicePrivateKey(), header, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.1: alg PS256 with a valid RSASSA-PSS signature by the service's own key is refused")
    void ps256SignedByTheServiceKeyIsRefused() {
        String header = "{\"alg\":\"PS256\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
        refused(Forge.sign("RSASSA-PSS", pss, TestKeys.servicePrivateKey(), header, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.1: alg ES256 signed by an attacker's EC key under the service's kid is refused")
    void es256WithTheServiceKidIsRefused() {
        String header = "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.sign("SHA256withECDSAinP1363Format", null, Forge.ecKey(), header, Forge.claims(c -> {
        })));
    }

    @ParameterizedTest(name = "RFC 8725 §2.1/§3.1: {0} keyed with the public key ({1}) is refused (key confusion)")
    @org.junit.jupiter.params.provider.CsvSource({ "HS384, PEM", "HS384, DER", "HS512, PEM", "HS512, DER",
            "HS256, JWKS JSON", "HS256, PEM without newlines" })
    void hmacKeyedWithThePublicKeyIsRefused(String alg, String form) {
        String jca = "Hmac" + alg.replace("HS", "SHA");
        String pem = TestKeys.read("keys/signing.pub.pem");
        byte[] secret = switch (form) {
            case "PEM" -> pem.getBytes(StandardCharsets.US_ASCII);
            case "DER" -> TestKeys.servicePublicKey().getEncoded();
            case "JWKS JSON" -> given().get("/.well-known/jwks.json").asString().getBytes(StandardCharsets.UTF_8);
            default -> pem.replace("\n", "").replace("\r", "").getBytes(StandardCharsets.US_ASCII);
        };
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.hmac(jca, secret, header, Forge.claims(c -> {
        })));
    }

    // ---- kid --------------------------------------------------------------------------------

    @Test
    @DisplayName("RFC 8725 §2.9/§3.10: kid \"../../../../dev/null\" (path traversal) is refused")
    void kidWithPathTraversalIsRefused() {
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"../../../../dev/null\"}";
        refused(Forge.rs256(header, Forge.claims(c -> {
        })));
        // the classic form: an HMAC keyed with what /dev/null would yield
        String hs = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"../../../../dev/null\"}";
        refused(Forge.hmac("HmacSHA256", new byte[] { 0 }, hs, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §2.9/§3.10: kid with SQL injection (' UNION SELECT 'secret' --) is refused")
    void kidWithSqlInjectionIsRefused() {
        String kid = "x' UNION SELECT 'secret' -- ";
        String hs = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
        refused(Forge.hmac("HmacSHA256", "secret".getBytes(StandardCharsets.US_ASCII), hs, Forge.claims(c -> {
        })));
        String rs = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"' OR 1=1--\"}";
        refused(Forge.rs256(rs, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.10: a 2000-character kid (token still under 4096) is refused")
    void veryLongKidIsRefused() {
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "A".repeat(2000) + "\"}";
        String token = Forge.rs256(header, Forge.claims(c -> {
        }));
        assertTrue(token.length() < 4096, "reaches the kid lookup: " + token.length());
        refused(token);
    }

    @Test
    @DisplayName("RFC 8725 §3.10: the kid of a key not in our JWKS, over a valid signature by the service key, is refused")
    void kidOfAnotherKeyIsRefused() {
        String otherKid = TestKeys.kid(TestKeys.otherPublicKey());
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + otherKid + "\"}";
        refused(Forge.rs256(header, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.10 / API.md header {alg,typ,kid}: a token without kid is refused")
    void missingKidIsRefused() {
        refused(Forge.rs256("{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}", Forge.claims(c -> {
        })));
    }

    @ParameterizedTest(name = "RFC 8725 §3.10: kid as {0} is refused")
    @ValueSource(strings = { "an array", "an object", "null", "an empty string", "a number" })
    void kidOfTheWrongTypeIsRefused(String shape) {
        String kid = switch (shape) {
            case "an array" -> "[\"" + Forge.KID + "\"]";
            case "an object" -> "{\"kid\":\"" + Forge.KID + "\"}";
            case "null" -> "null";
            case "an empty string" -> "\"\"";
            default -> "1";
        };
        refused(Forge.rs256("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":" + kid + "}", Forge.claims(c -> {
        })));
    }

    // ---- header-supplied keys and other header parameters -----------------------------------

    @ParameterizedTest(name = "RFC 8725 §3.10 / ASVS 5.0 V9.1.3: header \"{0}\" is refused even over a valid signature by the service key")
    @ValueSource(strings = { "jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256" })
    void headerSuppliedKeysAreRefused(String name) {
        String value = switch (name) {
            case "jku" -> "\"https://evil.example/jwks.json\"";
            case "x5u" -> "\"https://evil.example/cert.pem\"";
            case "jwk" -> new RsaJsonWebKey((RSAPublicKey) TestKeys.servicePublicKey()).toJson();
            case "x5c" -> "[\"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\"]";
            default -> "\"" + Forge.KID + "\"";
        };
        refused(Forge.rs256(Forge.header(",\"" + name + "\":" + value), Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.10 / ASVS 5.0 V9.1.3: an embedded jwk of the attacker's key, signed by that key, is refused")
    void embeddedJwkOfTheAttackersOwnKeyIsRefused() {
        String otherJwk = new RsaJsonWebKey((RSAPublicKey) TestKeys.otherPublicKey()).toJson();
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"jwk\":" + otherJwk + "}";
        refused(Forge.sign("SHA256withRSA", null, TestKeys.otherPrivateKey(), header, Forge.claims(c -> {
        })));
    }

    @ParameterizedTest(name = "RFC 7515 §4.1.11 / RFC 8725 §3.10: crit {0} is refused")
    @ValueSource(strings = { "[\"exp\"] with an exp header", "[\"urn:x-evil\"]", "[]" })
    void critHeadersAreRefused(String crit) {
        String members = switch (crit) {
            case "[\"urn:x-evil\"]" -> ",\"crit\":[\"urn:x-evil\"],\"urn:x-evil\":true";
            case "[]" -> ",\"crit\":[]";
            default -> ",\"crit\":[\"exp\"],\"exp\":" + (now() + 900);
        };
        refused(Forge.rs256(Forge.header(members), Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 7797 / RFC 8725 §3.10: b64=false (unencoded payload) is refused")
    void unencodedPayloadOptionIsRefused() {
        refused(Forge.rs256(Forge.header(",\"b64\":false,\"crit\":[\"b64\"]"), Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.10: zip=DEF on a JWS is refused")
    void zipHeaderIsRefused() {
        refused(Forge.rs256(Forge.header(",\"zip\":\"DEF\""), Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §2.8/§3.3: a JWS whose header claims enc (JWE confusion) is refused")
    void encHeaderOnAJwsIsRefused() {
        refused(Forge.rs256(Forge.header(",\"enc\":\"A256GCM\""), Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.3: a nested JWS (cty JWT, payload = a valid access token) is refused")
    void nestedJwsWithCtyIsRefused() {
        String inner = shared().accessToken();
        refused(Forge.rs256(Forge.header(",\"cty\":\"JWT\""), inner));
    }

    @Test
    @DisplayName("RFC 8725 §3.3: a JWS whose payload is another JWS (no cty) is refused")
    void nestedJwsWithoutCtyIsRefused() {
        refused(Forge.rs256(Forge.header(), shared().accessToken()));
    }

    @Test
    @DisplayName("RFC 7515 §4 / RFC 8725 §3.1: a header with two alg members (none, then RS256) is refused")
    void duplicateAlgInTheHeaderIsRefused() {
        String header = "{\"alg\":\"none\",\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.rs256(header, Forge.claims(c -> {
        })));
        String reversed = "{\"alg\":\"RS256\",\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.rs256(reversed, Forge.claims(c -> {
        })));
    }

    @Test
    @DisplayName("RFC 7519 §4: a payload with two sub members (victim, attacker) is refused")
    void duplicateSubInThePayloadIsRefused() {
        String claims = Forge.claims(c -> {
        });
        String victim = UUID.randomUUID().toString();
        String duplicated = "{\"sub\":\"" + victim + "\"," + claims.substring(1);
        assertTrue(duplicated.indexOf("\"sub\"") != duplicated.lastIndexOf("\"sub\""), duplicated);
        refused(Forge.rs256(duplicated));
    }

    @ParameterizedTest(name = "RFC 8725 §3.11: typ \"{0}\" is refused")
    @ValueSource(strings = { "application/jwt", "jwt", "at+jwt+evil", "[\"at+jwt\"]" })
    void anUnexpectedTypIsRefused(String typ) {
        String value = typ.startsWith("[") ? typ : "\"" + typ + "\"";
        String header = "{\"alg\":\"RS256\",\"typ\":" + value + ",\"kid\":\"" + Forge.KID + "\"}";
        refused(Forge.rs256(header, Forge.claims(c -> {
        })));
    }

    // ---- structure --------------------------------------------------------------------------

    @Test
    @DisplayName("RFC 8725 §2.8: a JWE-shaped token (five segments) is refused")
    void jweShapedTokenIsRefused() {
        String header = Forge
                .b64("{\"alg\":\"RSA-OAEP-256\",\"enc\":\"A256GCM\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}");
        refused(header + "." + Forge.b64("key") + "." + Forge.b64("iv-iv-iv-iv") + "."
                + Forge.b64(Forge.claims(c -> {
                })) + "." + Forge.b64("tag-tag-tag-tag"));
    }

    @Test
    @DisplayName("RFC 7515 §7.1: a two-segment token (signature segment missing) is refused")
    void twoSegmentTokenIsRefused() {
        String token = shared().accessToken();
        refused(token.substring(0, token.lastIndexOf('.')));
    }

    @Test
    @DisplayName("RFC 7515 §7.1: a real token with its signature stripped (\"h.p.\") is refused")
    void strippedSignatureIsRefused() {
        String token = shared().accessToken();
        refused(token.substring(0, token.lastIndexOf('.') + 1));
    }

    @ParameterizedTest(name = "RFC 7515 §7.1: a real token with extra dots ({0}) is refused")
    @ValueSource(strings = { "trailing", "leading", "doubled" })
    void extraDotsAreRefused(String where) {
        String token = shared().accessToken();
        String mangled = switch (where) {
            case "trailing" -> token + ".";
            case "leading" -> "." + token;
            default -> token.replaceFirst("\\.", "..");
        };
        refused(mangled);
    }

    @ParameterizedTest(name = "RFC 7515 §2 (base64url without padding): \"=\" padding on the {0} is refused")
    @ValueSource(strings = { "signature", "payload" })
    void paddedSegmentsAreRefused(String segment) {
        String[] parts = shared().accessToken().split("\\.");
        String token = segment.equals("signature") ? parts[0] + "." + parts[1] + "." + parts[2] + "="
                : parts[0] + "." + parts[1] + "=." + parts[2];
        refused(token);
    }

    @Test
    @DisplayName("RFC 7515 §2: a real token rewritten in standard base64 (+ and /) is refused")
    void standardBase64AlphabetIsRefused() {
        String token = shared().accessToken();
        String rewritten = token.replace('-', '+').replace('_', '/');
        assertTrue(!rewritten.equals(token), "the token had - or _ to rewrite");
        refused(rewritten);
    }

    @ParameterizedTest(name = "RFC 7515 §7.1: a real token with a {0} inside is refused")
    @ValueSource(strings = { "space", "tab" })
    void whitespaceInsideTheTokenIsRefused(String what) {
        String token = shared().accessToken();
        int middle = token.indexOf('.') + 10;
        refused(token.substring(0, middle) + (what.equals("space") ? " " : "\t") + token.substring(middle));
    }

    @Test
    @DisplayName("API.md / ASVS 5.0 V9.1.1: a validly signed token over 4096 characters is refused")
    void oversizedTokenIsRefused() {
        String token = Forge.rs256(Forge.claims(c -> c.setClaim("padding", "x".repeat(5000))));
        assertTrue(token.length() > 4096 && token.length() < 16000, "between the token limit and the header limit");
        refused(token);
    }

    @Test
    @DisplayName("API.md / ASVS 5.0 V9.1.1: a validly signed token with a 5000-character JOSE header is refused")
    void oversizedHeaderIsRefused() {
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + "k".repeat(5000) + "\"}";
        refused(Forge.rs256(header, Forge.claims(c -> {
        })));
    }

    @ParameterizedTest(name = "RFC 7519 §7.2: a payload that is {0}, not a JSON object, is refused")
    @ValueSource(strings = { "[]", "\"a string\"", "42", "null", "true" })
    void nonObjectPayloadIsRefused(String payload) {
        refused(Forge.rs256(payload));
    }

    @Test
    @DisplayName("RFC 7515 §5.2: a header that is not base64url JSON (or not an object) is refused")
    void headerThatIsNotAJsonObjectIsRefused() {
        String payload = Forge.b64(Forge.claims(c -> {
        }));
        refused(Forge.b64("not json") + "." + payload + ".c2ln");
        refused(Forge.rs256("[\"RS256\"]", Forge.claims(c -> {
        })));
    }

    // ---- claims -----------------------------------------------------------------------------

    @Test
    @DisplayName("ASVS 5.0 V9.2.1 / RFC 7519 §4.1.6: iat 120 s in the future (beyond the 30 s skew) is refused")
    void iatInTheFutureIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> {
            c.setIssuedAt(NumericDate.fromSeconds(now() + 120));
            c.setExpirationTime(NumericDate.fromSeconds(now() + 1020));
        })));
    }

    @Test
    @DisplayName("ASVS 5.0 V9.2.1 / RFC 7519 §4.1.5: nbf 120 s in the future is refused")
    void nbfInTheFutureIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setNotBefore(NumericDate.fromSeconds(now() + 120)))));
    }

    @Test
    @DisplayName("ASVS 5.0 V9.2.1 / API.md: a token without exp is refused")
    void missingExpIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.unsetClaim("exp"))));
    }

    @Test
    @DisplayName("ASVS 5.0 V9.2.1 / RFC 7519 §2 (NumericDate): exp as a string is refused")
    void expAsAStringIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("exp", Long.toString(now() + 900)))));
    }

    @Test
    @DisplayName("ASVS 5.0 V9.2.1 / API.md: a token without iat is refused")
    void missingIatIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.unsetClaim("iat"))));
    }

    @Test
    @DisplayName("ASVS 5.0 V9.2.1: nbf as a string is refused")
    void nbfAsAStringIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("nbf", "0"))));
    }

    @ParameterizedTest(name = "RFC 8725 §3.8: iss {0} is refused")
    @ValueSource(strings = { "missing", "HTTP://LOCALHOST:8080", "http://localhost:8080/", "http://localhost:8080.evil.example",
            "an array" })
    void aNearMissIssuerIsRefused(String issuer) {
        refused(Forge.rs256(Forge.claims(c -> {
            switch (issuer) {
                case "missing" -> c.unsetClaim("iss");
                case "an array" -> c.setStringListClaim("iss", "http://localhost:8080");
                default -> c.setIssuer(issuer);
            }
        })));
    }

    @ParameterizedTest(name = "RFC 8725 §3.9 / ASVS 5.0 V9.2.3: aud {0} is refused")
    @ValueSource(strings = { "missing", "[other, another]", "[]", "latchkey-admin", "LATCHKEY", "xlatchkey" })
    void anAudienceThatIsNotOursIsRefused(String audience) {
        refused(Forge.rs256(Forge.claims(c -> {
            switch (audience) {
                case "missing" -> c.unsetClaim("aud");
                case "[other, another]" -> c.setAudience("other", "another");
                case "[]" -> c.setAudience(java.util.List.of());
                default -> c.setAudience(audience);
            }
        })));
    }

    @Test
    @DisplayName("RFC 9068 §2.2 / API.md: a user token without sid (and no client_id) is refused")
    void missingSidIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.unsetClaim("sid"))));
    }

    @Test
    @DisplayName("API.md (sid is a UUID): sid \"' OR 1=1--\" is refused")
    void sidThatIsNotAUuidIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("sid", "' OR 1=1--"))));
    }

    @Test
    @DisplayName("RFC 9068 §2.2 / API.md: a token without jti is refused")
    void missingJtiIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.unsetClaim("jti"))));
    }

    @Test
    @DisplayName("RFC 8725 §3.8 / API.md (sub is a UUID): sub \"admin\" is refused")
    void subThatIsNotAUuidIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setSubject("admin"))));
    }

    @Test
    @DisplayName("RFC 9068 §2.2: a token without sub is refused")
    void missingSubIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.unsetClaim("sub"))));
    }

    @Test
    @DisplayName("API.md claims: a user token without upn is refused")
    void missingUpnIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.unsetClaim("upn"))));
    }

    @Test
    @DisplayName("RFC 8725 §3.12 / ASVS 5.0 V9.2.2: a client token (client_id = sub, no sid) is refused on /auth/me")
    void clientTokenOnAUserEndpointIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> {
            c.unsetClaim("sid");
            c.unsetClaim("upn");
            c.unsetClaim("preferred_username");
            c.unsetClaim("groups");
            c.setSubject("reports");
            c.setClaim("client_id", "reports");
            c.setClaim("scope", "reports:read");
        })));
    }

    @Test
    @DisplayName("RFC 8725 §3.12 / RFC 9068 §2.2: a user token issued to another client than the public one is refused")
    void userTokenOfAnotherClientIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("client_id", c.getClaimValueAsString("sub")))));
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("client_id", "reports"))));
    }

    @Test
    @DisplayName("API.md (lifetime bound): a token signed with our key that claims a longer life than the configured one is refused")
    void tokenLivingLongerThanTheConfiguredLifetimeIsRefused() {
        accepted(Forge.rs256(Forge.claims(c -> c.setExpirationTime(
                NumericDate.fromSeconds(issuedAt(c) + 15 * 60)))));
        refused(Forge.rs256(Forge.claims(c -> c.setExpirationTime(
                NumericDate.fromSeconds(issuedAt(c) + 15 * 60 + 1)))));
        refused(Forge.rs256(Forge.claims(c -> c.setExpirationTime(
                NumericDate.fromSeconds(issuedAt(c) + 24 * 3600)))));
    }

    @Test
    @DisplayName("RFC 8725 §3.4 (validate inputs): groups as a string instead of an array is refused")
    void groupsOfTheWrongTypeIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("groups", "admin"))));
    }

    @Test
    @DisplayName("RFC 8725 §2.8 / ASVS 5.0 V9.2.2: a refresh token presented as a bearer token is refused")
    void refreshTokenAsBearerIsRefused() {
        refused(shared().refreshToken());
    }

    // ---- revocation -------------------------------------------------------------------------

    @Test
    @DisplayName("ASVS 5.0 V7.4.1: after logout-all, a validly signed token of the user with the old token version and an unknown sid is refused")
    void tokenOfAnOlderTokenVersionIsRefusedEvenWithAFreshSid() throws Exception {
        Session session = TestUsers.newSession();
        given().header("Authorization", session.bearer()).post("/auth/logout-all").then().statusCode(204);
        JwtClaims claims = Forge.claimsOf(session);
        claims.setClaim("sid", UUID.randomUUID().toString()); // no family has it: only the version can refuse it
        claims.setClaim("token_version", 0);
        refused(Forge.rs256(claims.toJson()));
        claims.setIssuedAt(NumericDate.fromSeconds(now() + 2)); // minted after logout-all by the clock: still refused
        refused(Forge.rs256(claims.toJson()));

        // control: the same forgery with the version logout-all moved to passes, so the refusal above was the version
        claims.setClaim("token_version", 1);
        assertEquals(200, me(Forge.rs256(claims.toJson())).statusCode());
    }

    @Test
    @DisplayName("API.md claims: a token_version that is not a non-negative integer is refused")
    void tokenVersionOfTheWrongShapeIsRefused() {
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("token_version", "1"))));
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("token_version", -1))));
        refused(Forge.rs256(Forge.claims(c -> c.setClaim("token_version", 1.5))));
    }

    @Test
    @DisplayName("ASVS 5.0 V7.4.1: an access token of a revoked session is refused by every bearer endpoint, and changes nothing")
    void revokedSessionsTokenIsRefusedEverywhere() {
        Session victim = TestUsers.newSession();
        Session other = TestUsers.login(victim.user());
        given().header("Authorization", other.bearer()).delete("/auth/sessions/" + victim.sid()).then().statusCode(204);
        String dead = victim.bearer();

        Expect.invalidToken(given().header("Authorization", dead).get("/auth/me"));
        Expect.invalidToken(given().header("Authorization", dead).get("/auth/sessions"));
        Expect.invalidToken(given().header("Authorization", dead).delete("/auth/sessions/" + other.sid()));
        Expect.invalidToken(given().header("Authorization", dead).post("/auth/logout-all"));
        Expect.invalidToken(given().header("Authorization", dead).contentType(ContentType.JSON)
                .body(Map.of("current_password", victim.user().password(), "new_password", "an entirely new passphrase 77"))
                .post("/auth/password"));

        // nothing changed: the other session lives, the password is the old one
        assertEquals(200, TestUsers.meStatus(other.accessToken()));
        TestUsers.refreshOk(other);
        TestUsers.login(victim.user());
        assertEquals(1L, new Db(dataSource).count(
                "SELECT count(*) FROM refresh_families WHERE id = ? AND revoked_at IS NULL", UUID.fromString(other.sid())),
                "logout-all with the dead token revoked nothing");
    }

    @Test
    @DisplayName("ASVS 5.0 V9.1.1: a forged (alg none) bearer on logout cannot deny the victim's access token by its jti")
    void forgedBearerOnLogoutCannotDenyTheVictimsToken() throws Exception {
        Session victim = TestUsers.newSession();
        Session attacker = TestUsers.newSession();
        JwtClaims stolenClaims = JwtClaims.parse(new String(java.util.Base64.getUrlDecoder()
                .decode(victim.accessToken().split("\\.")[1]), StandardCharsets.UTF_8));
        String forged = Forge.b64("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"" + Forge.KID + "\"}") + "."
                + Forge.b64(stolenClaims.toJson()) + ".";

        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + forged)
                .body(Map.of("refresh_token", attacker.refreshToken())).post("/auth/logout").then().statusCode(204);

        assertEquals(200, TestUsers.meStatus(victim.accessToken()), "the victim's jti was not denied");
    }

    // ---- transport (RFC 6750 §2) ------------------------------------------------------------

    @Test
    @DisplayName("RFC 6750 §2.3/§5.3: an access token in the query string (?access_token=) does not authenticate")
    void tokenInTheQueryStringDoesNotAuthenticate() {
        Expect.missingToken(given().queryParam("access_token", shared().accessToken()).get("/auth/me"));
    }

    @Test
    @DisplayName("RFC 6750 §2: an access token in a cookie does not authenticate")
    void tokenInACookieDoesNotAuthenticate() {
        Expect.missingToken(given().cookie("access_token", shared().accessToken()).get("/auth/me"));
    }

    @Test
    @DisplayName("RFC 6750 §3.1: two Authorization headers (a valid token and garbage) do not authenticate")
    void twoAuthorizationHeadersWithGarbageAreRefused() {
        Answer answer = RawHttp.send(null, "GET", "/auth/me", java.util.List.of(
                new String[] { "Authorization", "Bearer " + shared().accessToken() },
                new String[] { "Authorization", "Bearer garbage" }), null, false);
        Expect.invalidToken(answer);
    }

    @Test
    @DisplayName("RFC 6750 §3.1: two Authorization headers with valid tokens of two users authenticate neither")
    void twoAuthorizationHeadersOfTwoUsersAreRefused() {
        Session second = TestUsers.newSession();
        Answer answer = RawHttp.send(null, "GET", "/auth/me", java.util.List.of(
                new String[] { "Authorization", "Bearer " + second.accessToken() },
                new String[] { "Authorization", "Bearer " + shared().accessToken() }), null, false);
        Expect.invalidToken(answer);
    }

    @Test
    @DisplayName("RFC 6750 §2.1: two tokens in one Authorization header (\"Bearer A B\") are refused")
    void twoTokensInOneHeaderAreRefused() {
        Expect.invalidToken(given().header("Authorization", "Bearer " + shared().accessToken() + " " + shared().accessToken())
                .get("/auth/me"));
    }

    @Test
    @DisplayName("RFC 6750 §2.1: \"Bearer<token>\" without the space is not a bearer credential")
    void bearerWithoutASpaceIsNotACredential() {
        Expect.missingToken(given().header("Authorization", "Bearer" + shared().accessToken()).get("/auth/me"));
    }

    @Test
    @DisplayName("RFC 9110 §11.1 (not an attack): the scheme is case-insensitive, \"bearer\" works")
    void lowerCaseSchemeIsAccepted() {
        assertEquals(200, given().header("Authorization", "bearer " + shared().accessToken()).get("/auth/me").statusCode());
    }
}
