package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.latchkey.config.LatchkeyConfig;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on every response, whoever writes it (REST, static files, health, errors):
 * {@code nosniff}, no referrer, no framing, a Content-Security-Policy (strict for the demo page,
 * {@code default-src 'none'} for the APIs), HSTS when cookies are {@code Secure} (that is, when
 * the service is served over HTTPS), and {@code no-store} on everything under {@code /auth},
 * {@code /oauth2} and {@code /admin} (tokens, personal data) unless the endpoint said otherwise;
 * {@code no-cache} on the demo page's files.
 */
@ApplicationScoped
public class SecurityHeaders {

    /** The demo page: scripts, styles and fetches from this origin only; nothing inline. */
    static final String PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";
    static final String HSTS = "max-age=31536000; includeSubDomains";

    private final boolean https;

    public SecurityHeaders(LatchkeyConfig config) {
        this.https = config.cookieSecure();
    }

    void register(@Observes Filters filters) {
        filters.register(this::addHeaders, 2000);
    }

    private void addHeaders(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        ctx.addHeadersEndHandler(ignored -> {
            MultiMap headers = ctx.response().headers();
            headers.set("X-Content-Type-Options", "nosniff");
            headers.set("Referrer-Policy", "no-referrer");
            headers.set("X-Frame-Options", "DENY");
            if (!headers.contains("Content-Security-Policy")) {
                headers.set("Content-Security-Policy", isApi(path) ? API_CSP : PAGE_CSP);
            }
            if (https) {
                headers.set("Strict-Transport-Security", HSTS);
            }
            if (isPrivate(path) && !headers.contains("Cache-Control")) {
                headers.set("Cache-Control", "no-store");
            } else if (!isApi(path) && ctx.response().getStatusCode() < 400) {
                // the demo page and its script: revalidate, so a deploy is seen at the next load
                // (Vert.x would otherwise mark them immutable for a day); errors keep their no-store
                headers.set("Cache-Control", "no-cache");
            }
        });
        ctx.next();
    }

    private static boolean isApi(String path) {
        return isPrivate(path) || path.startsWith("/.well-known") || path.startsWith("/q/");
    }

    /** Answers that carry tokens or personal data: never stored by any cache. */
    private static boolean isPrivate(String path) {
        return path.startsWith("/auth") || path.startsWith("/oauth2") || path.startsWith("/admin");
    }
}
