package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.config.LatchkeyConfig;

/**
 * The refresh cookie of cookie mode: {@code lk_refresh}, scoped to {@code /auth}, invisible to
 * JavaScript ({@code HttpOnly}), never sent cross-site ({@code SameSite=Strict}), and living
 * exactly as long as its family may.
 */
@ApplicationScoped
public class RefreshCookie {

    public static final String NAME = "lk_refresh";
    static final String PATH = "/auth";

    private final boolean secure;

    public RefreshCookie(LatchkeyConfig config) {
        this.secure = config.cookieSecure();
    }

    /** The {@code Set-Cookie} value carrying a refresh token. */
    public String set(String refreshToken, long maxAgeSeconds) {
        return NAME + "=" + refreshToken + attributes() + "; Max-Age=" + Math.max(0, maxAgeSeconds);
    }

    /** The {@code Set-Cookie} value that removes the cookie. */
    public String clear() {
        return NAME + "=" + attributes() + "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    }

    private String attributes() {
        return "; Path=" + PATH + "; HttpOnly" + (secure ? "; Secure" : "") + "; SameSite=Strict";
    }
}
