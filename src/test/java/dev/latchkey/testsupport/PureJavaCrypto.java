package dev.latchkey.testsupport;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service as it runs where no native crypto library loads: the JDK signs
 * ({@code latchkey.signing-provider=jdk}) and Bouncy Castle hashes
 * ({@code latchkey.password-hasher=bouncycastle}). One profile, so its tests share one start.
 */
public class PureJavaCrypto implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("latchkey.signing-provider", "jdk", "latchkey.password-hasher", "bouncycastle");
    }
}
