package dev.latchkey.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.HashUtil;

import dev.latchkey.config.LatchkeyConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.util.KeyUtils;

/**
 * The key set: one RSA signing key and every public key that may still verify a live token.
 * Loaded once at start; every instance behind a load balancer must be given the same keys.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    /** The smallest RSA modulus accepted (RFC 8725 §3.5, NIST SP 800-57). */
    public static final int MIN_RSA_BITS = 2048;

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);

    private final VerificationKey signing;
    private final PrivateKey signingPrivateKey;
    private final Map<String, VerificationKey> byKid;

    /** A public key and its RFC 7638 thumbprint. */
    public record VerificationKey(String kid, RSAPublicKey publicKey) {
    }

    @Inject
    public SigningKeys(LatchkeyConfig config) {
        this(config.signingKeyLocation(), config.verificationKeysLocation().orElse(List.of()), LaunchMode.current());
    }

    /**
     * Loads the keys. In prod mode a signing key is required; in dev and test mode a missing key
     * is replaced by an ephemeral one, with a warning, so the service runs out of the box.
     */
    public SigningKeys(Optional<String> signingKeyLocation, List<String> verificationKeyLocations, LaunchMode mode) {
        KeyPair pair;
        if (signingKeyLocation.isPresent() && !signingKeyLocation.get().isBlank()) {
            PrivateKey privateKey = readPrivateKey(signingKeyLocation.get().trim());
            pair = new KeyPair(publicKeyOf(privateKey), privateKey);
        } else if (mode == LaunchMode.NORMAL) {
            throw new IllegalStateException("No signing key: set LATCHKEY_SIGNING_KEY_LOCATION "
                    + "(latchkey.signing-key-location) to a PKCS#8 PEM RSA private key of at least "
                    + MIN_RSA_BITS + " bits. See README, 'Production key'.");
        } else {
            pair = generateEphemeral();
            LOG.warn("*** No latchkey.signing-key-location: using an EPHEMERAL RSA key (" + mode.getDefaultProfile()
                    + " mode only). Tokens die with this process and other instances cannot verify them. ***");
        }
        this.signingPrivateKey = pair.getPrivate();
        this.signing = describe((RSAPublicKey) pair.getPublic());

        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        keys.put(signing.kid(), signing);
        for (String location : verificationKeyLocations) {
            if (location.isBlank()) {
                continue;
            }
            VerificationKey extra = describe(readPublicKey(location.trim()));
            keys.putIfAbsent(extra.kid(), extra);
        }
        this.byKid = Collections.unmodifiableMap(keys);
        LOG.infof("signing key kid=%s; %d key(s) in the JWKS", signing.kid(), keys.size());
    }

    /** The key new tokens are signed with. */
    public VerificationKey signing() {
        return signing;
    }

    PrivateKey signingPrivateKey() {
        return signingPrivateKey;
    }

    /** The verification key with this {@code kid}, if it is one of ours. */
    public Optional<VerificationKey> byKid(String kid) {
        return Optional.ofNullable(byKid.get(kid));
    }

    /** Every key that may verify a live token, signing key first. */
    public List<VerificationKey> all() {
        return new ArrayList<>(byKid.values());
    }

    private static VerificationKey describe(RSAPublicKey key) {
        if (key.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalStateException("RSA keys must have at least " + MIN_RSA_BITS + " bits, got "
                    + key.getModulus().bitLength());
        }
        String kid = new RsaJsonWebKey(key).calculateBase64urlEncodedThumbprint(HashUtil.SHA_256);
        return new VerificationKey(kid, key);
    }

    private static PrivateKey readPrivateKey(String location) {
        String pem = read(location);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IllegalStateException("The signing key at " + location
                    + " is not a PKCS#8 PEM private key ('BEGIN PRIVATE KEY'); convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem'");
        }
        try {
            PrivateKey key = KeyUtils.decodePrivateKey(pem);
            if (!(key instanceof RSAPrivateCrtKey)) {
                throw new IllegalStateException("The signing key at " + location + " is not an RSA key");
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("The signing key at " + location + " cannot be read as PKCS#8 RSA", e);
        }
    }

    private static RSAPublicKey readPublicKey(String location) {
        String pem = read(location);
        try {
            PublicKey key = KeyUtils.decodePublicKey(pem);
            if (key instanceof RSAPublicKey rsa) {
                return rsa;
            }
            throw new IllegalStateException("The verification key at " + location + " is not an RSA public key");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("The verification key at " + location + " cannot be read as a PEM "
                    + "public key ('BEGIN PUBLIC KEY')", e);
        }
    }

    private static RSAPublicKey publicKeyOf(PrivateKey privateKey) {
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) privateKey;
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive the public key", e);
        }
    }

    private static KeyPair generateEphemeral() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(MIN_RSA_BITS);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /** Reads a file path, or a classpath resource (with or without a {@code classpath:} prefix). */
    private static String read(String location) {
        String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : null;
        try {
            if (resource == null) {
                Path path = Path.of(location);
                if (Files.isRegularFile(path)) {
                    return Files.readString(path, StandardCharsets.US_ASCII);
                }
                resource = location;
            }
            String name = resource.startsWith("/") ? resource.substring(1) : resource;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("Key file not found: " + location);
                }
                return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Key file cannot be read: " + location, e);
        }
    }
}
