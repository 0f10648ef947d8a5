package dev.latchkey.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SuccessorEnvelopeTest {

    @Test
    void hkdfMatchesRfc5869TestCase1() throws Exception {
        HexFormat hex = HexFormat.of();
        byte[] okm = SuccessorEnvelope.Hkdf.sha256(hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
                hex.parseHex("000102030405060708090a0b0c"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertArrayEquals(hex.parseHex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                okm);
    }

    @Test
    void onlyTheRawParentOpensTheEnvelope() {
        String parent = OpaqueTokens.generate();
        String successor = OpaqueTokens.generate();
        UUID parentId = UUID.randomUUID();
        byte[] envelope = SuccessorEnvelope.seal(parent, parentId, successor);

        assertEquals(successor, SuccessorEnvelope.open(parent, parentId, envelope));
        assertNull(SuccessorEnvelope.open(OpaqueTokens.generate(), parentId, envelope));
        assertNull(SuccessorEnvelope.open(parent, UUID.randomUUID(), envelope), "bound to its parent row");
        envelope[envelope.length - 1] ^= 1;
        assertNull(SuccessorEnvelope.open(parent, parentId, envelope), "tampering is detected");
    }

    @Test
    void theEnvelopeDoesNotContainTheSuccessor() {
        String parent = OpaqueTokens.generate();
        String successor = OpaqueTokens.generate();
        byte[] envelope = SuccessorEnvelope.seal(parent, UUID.randomUUID(), successor);
        assertFalse(new String(envelope, java.nio.charset.StandardCharsets.ISO_8859_1).contains(successor));
    }

    @Test
    void refreshTokensAre256BitUrlSafeStrings() {
        String token = OpaqueTokens.generate();
        assertEquals(43, token.length());
        assertEquals(32, java.util.Base64.getUrlDecoder().decode(token).length);
        assertFalse(OpaqueTokens.isWellFormed(token + "="));
        assertFalse(OpaqueTokens.isWellFormed(token.substring(1) + "+"));
    }
}
