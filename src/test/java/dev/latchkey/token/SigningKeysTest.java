package dev.latchkey.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.latchkey.testsupport.TestKeys;
import io.quarkus.runtime.LaunchMode;

/** Key loading rules, as plain unit tests (no Quarkus): prod needs a key, dev and test may run without. */
class SigningKeysTest {

    @Test
    void prodModeRefusesToStartWithoutASigningKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SigningKeys(Optional.empty(), List.of(), LaunchMode.NORMAL));
        assertTrue(e.getMessage().contains("LATCHKEY_SIGNING_KEY_LOCATION"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> new SigningKeys(Optional.of(" "), List.of(), LaunchMode.NORMAL));
    }

    @Test
    void devAndTestModesGenerateAnEphemeralKey() {
        SigningKeys dev = new SigningKeys(Optional.empty(), List.of(), LaunchMode.DEVELOPMENT);
        SigningKeys test = new SigningKeys(Optional.empty(), List.of(), LaunchMode.TEST);
        assertNotEquals(dev.signing().kid(), test.signing().kid());
        assertEquals(2048, dev.signing().publicKey().getModulus().bitLength());
    }

    @Test
    void kidIsTheRfc7638ThumbprintOfTheConfiguredKey() {
        SigningKeys keys = new SigningKeys(Optional.of("classpath:keys/signing.pem"), List.of(), LaunchMode.NORMAL);
        assertEquals(TestKeys.serviceKid(), keys.signing().kid());
        assertEquals(43, keys.signing().kid().length());
    }

    @Test
    void rfc7638ThumbprintMatchesTheRfcExample() {
        // RFC 7638 §3.1: the example RSA key and its SHA-256 thumbprint
        String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        String e = "AQAB";
        java.math.BigInteger modulus = new java.math.BigInteger(1, Base64.getUrlDecoder().decode(n));
        java.math.BigInteger exponent = new java.math.BigInteger(1, Base64.getUrlDecoder().decode(e));
        java.security.interfaces.RSAPublicKey key;
        try {
            key = (java.security.interfaces.RSAPublicKey) java.security.KeyFactory.getInstance("RSA")
                    .generatePublic(new java.security.spec.RSAPublicKeySpec(modulus, exponent));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", TestKeys.kid(key));
    }

    @Test
    void verificationKeysJoinTheKeySetAfterTheSigningKey() {
        SigningKeys keys = new SigningKeys(Optional.of("classpath:keys/signing.pem"),
                List.of("classpath:keys/other.pub.pem"), LaunchMode.NORMAL);
        assertEquals(2, keys.all().size());
        assertEquals(keys.signing().kid(), keys.all().get(0).kid());
        assertTrue(keys.byKid(TestKeys.kid(TestKeys.otherPublicKey())).isPresent());
    }

    @Test
    void aKeyFileThatIsNotPkcs8IsRefusedWithAClearMessage(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("pkcs1.pem");
        Files.writeString(pem, "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SigningKeys(Optional.of(pem.toString()), List.of(), LaunchMode.NORMAL));
        assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> new SigningKeys(Optional.of(dir.resolve("missing.pem").toString()), List.of(), LaunchMode.NORMAL));
    }

    @Test
    void keysUnder2048BitsAreRefused(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        Path pem = dir.resolve("small.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new SigningKeys(Optional.of(pem.toString()), List.of(), LaunchMode.NORMAL));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
    }
}
