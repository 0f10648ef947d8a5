package dev.latchkey.token;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.jose4j.base64url.Base64Url;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwt.JwtClaims;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.config.LatchkeyConfig.SigningProvider;
import io.quarkus.runtime.ImageMode;
import io.quarkus.runtime.Startup;

/**
 * Produces the compact RS256 JWS of an access token: the same header and payload bytes
 * smallrye-jwt-build writes ({@code Jwt.claims()...jws().algorithm(RS256).keyId(kid).header("typ",
 * "at+jwt").sign(key)}), signed with RSASSA-PKCS1-v1_5/SHA-256 by Amazon Corretto Crypto Provider
 * (native) where it loads, else by the JDK. PKCS#1 v1.5 signatures are deterministic, so both give
 * the same token for the same input.
 * <p>
 * The provider is used through {@code Signature.getInstance(alg, provider)} only; it is never
 * added to the JCA's provider list.
 */
@Startup
@ApplicationScoped
public class AccessTokenSigner {

    static final String JCA_ALGORITHM = "SHA256withRSA";
    private static final Logger LOG = Logger.getLogger(AccessTokenSigner.class);

    private final String kid;
    private final String encodedHeader;
    private final PrivateKey key;
    /** null: the JDK's providers. */
    private final Provider provider;
    private final String implementation;
    private final ThreadLocal<Signature> signatures;

    @Inject
    public AccessTokenSigner(SigningKeys keys, LatchkeyConfig config) {
        this(keys.signing().kid(), keys.signingPrivateKey(), keys.signing().publicKey(), config.signingProvider(),
                AccessTokenSigner::loadNative);
    }

    /**
     * @param nativeProvider loads the native provider; throws when it cannot be used (called only
     *        for {@link SigningProvider#AUTO})
     */
    AccessTokenSigner(String kid, PrivateKey privateKey, PublicKey publicKey, SigningProvider choice,
            Supplier<Provider> nativeProvider) {
        this.kid = kid;
        this.encodedHeader = Base64Url.encodeUtf8ByteRepresentation(JsonUtil.toJson(header(kid)));
        Provider chosen = null;
        PrivateKey chosenKey = privateKey;
        String description = "the JDK (" + jdkProviderName(privateKey) + ")";
        if (choice == SigningProvider.JDK) {
            description += ", as latchkey.signing-provider=jdk asks";
        } else {
            try {
                Provider candidate = nativeProvider.get();
                // the provider's own key object, made once: otherwise it converts the JDK's key on every signature
                PrivateKey translated = (PrivateKey) KeyFactory.getInstance("RSA", candidate).translateKey(privateKey);
                checkAgainstJdk(candidate, translated, privateKey, publicKey);
                chosen = candidate;
                chosenKey = translated;
                description = candidate.getName() + " " + candidate.getVersionStr() + " (native)";
            } catch (Exception | LinkageError e) {
                description += "; Amazon Corretto Crypto Provider is not usable here: " + e;
            }
        }
        this.provider = chosen;
        this.key = chosenKey;
        this.implementation = description;
        this.signatures = ThreadLocal.withInitial(this::newSignature);
        newSignature(); // fail at start, not on the first token
        LOG.infof("access tokens are signed (RS256) by %s", implementation);
    }

    /** Amazon Corretto Crypto Provider on a JVM; never in the native executable (no JNI library there). */
    static Provider loadNative() {
        if (ImageMode.current().isNativeImage()) {
            throw new IllegalStateException("its JNI library is not available in a native executable");
        }
        // by name, not a static reference: the native build leaves ACCP's jar out and links every
        // class it reaches at build time, so no reachable method may name ACCP's classes
        try {
            Class<?> accp = Class.forName(AccessTokenSigner.class.getPackageName() + ".Accp");
            Method load = accp.getDeclaredMethod("load");
            load.setAccessible(true);
            return (Provider) load.invoke(null);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Amazon Corretto Crypto Provider is not on the class path: " + e, e);
        }
    }

    /** Whether the native provider signs (false: the JDK does). */
    public boolean isNative() {
        return provider != null;
    }

    /** What signs, for the start-up line and diagnostics. */
    public String implementation() {
        return implementation;
    }

    public String kid() {
        return kid;
    }

    /** The compact JWS of {@code claims}, as smallrye-jwt-build would serialize it. */
    public String sign(JwtClaims claims) {
        String signingInput = encodedHeader + "." + Base64Url.encodeUtf8ByteRepresentation(claims.toJson());
        Signature signature = signatures.get();
        try {
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64Url.encode(signature.sign());
        } catch (GeneralSecurityException e) {
            // sign() reset the object already, or it is unusable: start this thread afresh
            signatures.remove();
            throw new IllegalStateException("RS256 signing failed", e);
        }
    }

    /**
     * The header smallrye-jwt-build writes for {@code algorithm(RS256).keyId(kid).header("typ",
     * "at+jwt")}: its header map is a HashMap, copied in iteration order.
     */
    static Map<String, Object> header(String kid) {
        Map<String, Object> builder = new HashMap<>();
        builder.put("alg", "RS256");
        builder.put("kid", kid);
        builder.put("typ", AccessTokenIssuer.TYPE);
        return new LinkedHashMap<>(builder);
    }

    private Signature newSignature() {
        try {
            Signature signature = provider == null ? Signature.getInstance(JCA_ALGORITHM)
                    : Signature.getInstance(JCA_ALGORITHM, provider);
            signature.initSign(key);
            return signature;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise RS256 signing", e);
        }
    }

    private static String jdkProviderName(PrivateKey key) {
        try {
            Signature signature = Signature.getInstance(JCA_ALGORITHM);
            signature.initSign(key);
            return signature.getProvider().getName();
        } catch (GeneralSecurityException e) {
            return "no provider: " + e.getMessage();
        }
    }

    /**
     * One known-answer check at start: the native signature of a fixed input must be the JDK's,
     * byte for byte, and verify with the public key of the JWKS.
     */
    private static void checkAgainstJdk(Provider candidate, PrivateKey nativeKey, PrivateKey jdkKey, PublicKey publicKey)
            throws GeneralSecurityException {
        byte[] input = "latchkey RS256 known-answer check".getBytes(StandardCharsets.US_ASCII);
        Signature nativeSignature = Signature.getInstance(JCA_ALGORITHM, candidate);
        nativeSignature.initSign(nativeKey);
        nativeSignature.update(input);
        byte[] fromNative = nativeSignature.sign();
        Signature jdkSignature = Signature.getInstance(JCA_ALGORITHM);
        jdkSignature.initSign(jdkKey);
        jdkSignature.update(input);
        if (!MessageDigest.isEqual(fromNative, jdkSignature.sign())) {
            throw new IllegalStateException("its signature differs from the JDK's");
        }
        Signature verify = Signature.getInstance(JCA_ALGORITHM);
        verify.initVerify(publicKey);
        verify.update(input);
        if (!verify.verify(fromNative)) {
            throw new IllegalStateException("its signature does not verify");
        }
    }
}
