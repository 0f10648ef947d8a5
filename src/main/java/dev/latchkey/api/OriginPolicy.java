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
 * The service's own origin, that of {@code latchkey.issuer} (its public URL), is same-origin and
 * always fine for cookie mode; it needs no CORS. Nothing here is taken from the request's
 * {@code Host} header, which the client controls.
 */
@ApplicationScoped
public class OriginPolicy {

    private final Set<String> allowed;
    private final String issuerOrigin;

    public OriginPolicy(LatchkeyConfig config) {
        Set<String> origins = new HashSet<>();
        for (String origin : config.allowedOrigins().orElse(List.of())) {
            String normalized = normalize(withoutTrailingSlash(origin.trim()));
            if (normalized == null) {
                throw new IllegalStateException("latchkey.allowed-origins: not an origin (scheme://host[:port]): " + origin);
            }
            origins.add(normalized);
        }
        this.allowed = Set.copyOf(origins);
        this.issuerOrigin = normalize(originOf(config.issuer()));
    }

    /**
     * True if this {@code Origin} header names a configured origin (CORS with credentials). It
     * must be exactly an origin as browsers serialise it: no path, no user info, lower case.
     */
    public boolean isAllowedCrossOrigin(String origin) {
        String normalized = normalize(origin);
        return normalized != null && normalized.equals(origin) && allowed.contains(normalized);
    }

    /**
     * True if a cookie-mode request with this {@code Origin} header may proceed: no header at all
     * (not a cross-origin browser request), the issuer's origin, or a configured one.
     */
    public boolean mayUseCookies(String origin) {
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        if (normalized == null || !normalized.equals(origin)) {
            return false; // "null" (sandboxed iframes, file:), a path, garbage
        }
        return allowed.contains(normalized) || normalized.equals(issuerOrigin);
    }

    private static String withoutTrailingSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /**
     * The origin part of a URL such as the issuer ({@code https://auth.example.com/realm} gives
     * {@code https://auth.example.com}).
     */
    private static String originOf(String url) {
        try {
            URI uri = URI.create(url.trim());
            return uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * {@code scheme://host[:port]} in lower case without a default port; null unless the value is
     * an http(s) origin and nothing more (no path, query, fragment or user info).
     */
    static String normalize(String origin) {
        if (origin == null || origin.isBlank() || origin.length() > 512) {
            return null;
        }
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme();
            String host = uri.getHost();
            if (scheme == null || host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                    || uri.getRawFragment() != null || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())) {
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
