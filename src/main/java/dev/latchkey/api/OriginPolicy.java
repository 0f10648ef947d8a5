package dev.latchkey.api;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.config.LatchkeyConfig;

/**
 * Which browser origins may use cookie mode and CORS: those of {@code latchkey.allowed-origins}.
 * The service's own origin (the issuer's, or the one the request was addressed to) is same-origin
 * and always fine for cookie mode; it needs no CORS.
 */
@ApplicationScoped
public class OriginPolicy {

    private final Set<String> allowed;
    private final String issuerOrigin;

    public OriginPolicy(LatchkeyConfig config) {
        Set<String> origins = new HashSet<>();
        for (String origin : config.allowedOrigins().orElse(List.of())) {
            String normalized = normalize(origin.trim());
            if (normalized != null) {
                origins.add(normalized);
            }
        }
        this.allowed = Set.copyOf(origins);
        this.issuerOrigin = normalize(config.issuer());
    }

    /** True if this origin is configured for cross-origin use (CORS with credentials). */
    public boolean isAllowedCrossOrigin(String origin) {
        String normalized = normalize(origin);
        return normalized != null && allowed.contains(normalized);
    }

    /**
     * True if a cookie-mode request with this {@code Origin} header may proceed: no header at all
     * (not a cross-origin browser request), our own origin, or a configured one.
     *
     * @param ownOrigin the origin the request was addressed to ({@code scheme://host[:port]})
     */
    public boolean mayUseCookies(String origin, String ownOrigin) {
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        if (normalized == null) {
            return false; // "null" (sandboxed iframes, file:) or garbage
        }
        return allowed.contains(normalized) || normalized.equals(issuerOrigin) || normalized.equals(normalize(ownOrigin));
    }

    /** {@code scheme://host[:port]} in lower case without default port or path; null if not an http(s) origin. */
    static String normalize(String origin) {
        if (origin == null || origin.isBlank() || origin.length() > 512) {
            return null;
        }
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
