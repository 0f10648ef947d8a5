package dev.latchkey.account;

/**
 * What {@link PasswordHasher} gets from {@code Libargon2}: a top-level type, so that PasswordHasher
 * names nothing of Libargon2. A type nested in Libargon2 would not do: the native build reaches a
 * nested type's enclosing class through its class metadata, initializes it while building, and
 * Libargon2's initializer needs JNA, which the native build leaves out.
 *
 * @param function libargon2's argon2id
 * @param from the x86-64 level and file it was loaded from, for the start-up log line
 */
record NativeArgon2(Argon2Function function, String from) {
}
