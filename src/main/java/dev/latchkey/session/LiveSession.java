package dev.latchkey.session;

import java.time.Instant;
import java.util.UUID;

/** A live session (refresh-token family) as its owner sees it. */
public record LiveSession(UUID id, Instant createdAt, Instant lastUsedAt, Instant expiresAt, String userAgent, String ip) {
}
