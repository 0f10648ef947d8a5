package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the configured origins only, with credentials (cookie mode) and never a wildcard.
 * <p>
 * Written here rather than using Quarkus' CORS filter because that filter answers a foreign
 * origin with a bare 403, outside the contract's error shape; the origin decision itself is the
 * same {@link OriginPolicy} that guards cookie mode. A foreign origin gets no CORS headers (the
 * browser then hides the response), its preflights a 403 {@code access_denied}, and its
 * cookie-mode requests a 403 {@code access_denied} from the endpoint. The admin API gets no CORS
 * from any origin.
 */
@ApplicationScoped
public class CorsFilter {

    static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
    static final String ALLOWED_HEADERS = "Authorization, Content-Type";
    static final String EXPOSED_HEADERS = "WWW-Authenticate, Retry-After";

    private final OriginPolicy origins;

    public CorsFilter(OriginPolicy origins) {
        this.origins = origins;
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 900);
    }

    private void handle(RoutingContext ctx) {
        // every answer may differ by Origin, so shared caches must key on it even when none was sent
        HttpServerResponse response = ctx.response();
        response.headers().add("Vary", "Origin");
        String origin = ctx.request().getHeader("Origin");
        if (origin == null) {
            ctx.next();
            return;
        }
        boolean preflight = ctx.request().method() == HttpMethod.OPTIONS
                && ctx.request().getHeader("Access-Control-Request-Method") != null;
        if (!origins.isAllowedCrossOrigin(origin) || isBackendOnly(ctx.normalizedPath())) {
            if (preflight) {
                HttpErrorRoutes.write(ctx, 403);
                return;
            }
            ctx.next(); // same-origin, or refused by the endpoint itself where it matters
            return;
        }
        response.putHeader("Access-Control-Allow-Origin", origin);
        response.putHeader("Access-Control-Allow-Credentials", "true");
        if (preflight) {
            response.putHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
            response.putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
            response.putHeader("Access-Control-Max-Age", "600");
            response.setStatusCode(204).end();
            return;
        }
        response.putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
        ctx.next();
    }

    /**
     * The admin API is for an application's backend, never a browser: no origin gets CORS for it,
     * so no page (not even one of an allowed origin) can send it a bearer token or read its answers.
     */
    static boolean isBackendOnly(String path) {
        return path.startsWith("/admin");
    }
}
