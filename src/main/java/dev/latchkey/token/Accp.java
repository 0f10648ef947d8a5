package dev.latchkey.token;

import java.security.Provider;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.amazon.corretto.crypto.provider.SelfTestStatus;

/**
 * The only class that names Amazon Corretto Crypto Provider. {@link AccessTokenSigner} reaches it
 * only on a JVM (never in the native executable), so neither the provider's classes nor its JNI
 * library are needed where it cannot run. The provider is returned, never installed: the JCA's
 * provider list (TLS, the verifier, everything else) stays the JDK's.
 */
final class Accp {

    private Accp() {
    }

    /**
     * The provider, loaded and self-tested.
     *
     * @throws IllegalStateException (or a {@link LinkageError}) when it cannot be used here
     */
    static Provider load() {
        AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
        Throwable loadingError = provider.getLoadingError();
        if (loadingError != null) {
            throw new IllegalStateException("its native library did not load: " + loadingError, loadingError);
        }
        SelfTestStatus status = provider.runSelfTests();
        if (status != SelfTestStatus.PASSED) {
            throw new IllegalStateException("its self-tests did not pass: " + status);
        }
        provider.assertHealthy();
        return provider;
    }

    static String version() {
        return AmazonCorrettoCryptoProvider.INSTANCE.getVersionStr();
    }
}
