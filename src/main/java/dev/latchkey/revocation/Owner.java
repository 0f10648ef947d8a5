package dev.latchkey.revocation;

import java.util.UUID;

/**
 * Whose revocation state a Redis key holds: a user (their session tokens) or a confidential
 * client (its own client-credentials tokens). Every key of one owner carries the same hash tag,
 * {@code {u:<user id>}} or {@code {c:<client id>}}, so that the bearer check's one {@code MGET}
 * and every revocation's one script touch a single Redis Cluster slot (DESIGN.md "Keys in Redis
 * Cluster").
 *
 * @param id {@code u:<user id>} or {@code c:<client id>}; also how PostgreSQL records the owner
 */
public record Owner(String id) {

    public static Owner user(UUID userId) {
        return new Owner("u:" + userId);
    }

    public static Owner client(String clientId) {
        return new Owner("c:" + clientId);
    }

    /** The current token version of the owner, and the cache generation it was written under. */
    String versionKey() {
        return "lk:{" + id + "}:tv";
    }

    /** Denies every access token of a session. */
    String sidKey(String sid) {
        return "lk:{" + id + "}:sid:" + sid;
    }

    /** Denies one access token. */
    String jtiKey(String jti) {
        return "lk:{" + id + "}:jti:" + jti;
    }
}
