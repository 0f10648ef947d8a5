package dev.latchkey.account;

/** One argon2id (version 0x13, one lane) computation, as a native library provides it. */
@FunctionalInterface
interface Argon2Function {

    /** The {@code length}-byte argon2id hash of {@code password}; throws if the library fails. */
    byte[] argon2id(byte[] password, byte[] salt, int iterations, int memoryKib, int length);
}
