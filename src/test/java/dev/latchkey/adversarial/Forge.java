package dev.latchkey.adversarial;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jose4j.jwt.JwtClaims;

import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;

/**
 * Builds access tokens byte by byte, so a test can put anything in the JOSE header or the payload
 * (duplicate members, wrong types, non-objects) and still sign it with the service's own key: a
 * refusal then proves the verifier checked the one thing that is wrong, not the signature.
 */
final class Forge {

    static final String KID = TestKeys.serviceKid();

    private Forge() {
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The header the service itself writes. */
    static String header() {
        return header("");
    }

    /** The service's header with extra members appended, e.g. {@code ,"jku":"https://evil"}. */
    static String header(String extraMembers) {
        return "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + KID + "\"" + extraMembers + "}";
    }

    /** Claims like a real token's, for a made-up user, edited by the caller. */
    static String claims(Consumer<JwtClaims> edit) {
        JwtClaims claims = TestKeys.validClaims();
        edit.accept(claims);
        return claims.toJson();
    }

    /** Claims naming a real session of a real user. */
    static JwtClaims claimsOf(TestUsers.Session session) {
        JwtClaims claims = TestKeys.validClaims();
        claims.setSubject(session.user().id());
        claims.setClaim("upn", session.user().username());
        claims.setClaim("preferred_username", session.user().username());
        claims.setClaim("sid", session.sid());
        return claims;
    }

    /** header.payload with a valid RS256 signature by the service's key, whatever the header says. */
    static String rs256(String headerJson, String payloadJson) {
        return sign("SHA256withRSA", null, TestKeys.servicePrivateKey(), headerJson, payloadJson);
    }

    /** A correctly formed and signed token with these claims. */
    static String rs256(String payloadJson) {
        return rs256(header(), payloadJson);
    }

    static String sign(String jcaAlgorithm, AlgorithmParameterSpec parameters, PrivateKey key, String headerJson,
            String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Signature signature = Signature.getInstance(jcaAlgorithm);
            if (parameters != null) {
                signature.setParameter(parameters);
            }
            signature.initSign(key);
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** header.payload with an HMAC under {@code secret} (the key-confusion attack). */
    static String hmac(String jcaAlgorithm, byte[] secret, String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        try {
            Mac mac = Mac.getInstance(jcaAlgorithm);
            mac.init(new SecretKeySpec(secret, jcaAlgorithm));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh P-256 key of the attacker's. */
    static PrivateKey ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
