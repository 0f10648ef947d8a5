package dev.latchkey.session;

import java.security.SecureRandom;

/**
 * The process's CSPRNG for tokens and envelopes, created on first use. Deliberately not a
 * {@code static final} field initialized in a class initializer: the native-image builder may run
 * (simulate) such initializers at build time and would then put an instance seeded on the build
 * machine into the executable, which it refuses ("Detected an instance of Random/SplittableRandom
 * class in the image heap").
 */
final class RuntimeRandom {

    private static volatile SecureRandom instance;

    private RuntimeRandom() {
    }

    static SecureRandom get() {
        SecureRandom r = instance;
        if (r == null) {
            synchronized (RuntimeRandom.class) {
                r = instance;
                if (r == null) {
                    r = new SecureRandom();
                    instance = r;
                }
            }
        }
        return r;
    }
}
