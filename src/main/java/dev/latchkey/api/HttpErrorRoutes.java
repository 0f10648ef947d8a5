package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.latchkey.config.InputLimits;
import dev.latchkey.error.LatchkeyException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Errors raised below the REST layer (no route at all, a body over the size limit, a failure in
 * the HTTP layer itself) get the same contract shape as the rest, instead of Vert.x's defaults.
 */
@ApplicationScoped
public class HttpErrorRoutes {

    /**
     * The body limit of the contract. It is enforced here (declared lengths) and by
     * {@link BodyLimit} (chunked bodies, counted while read), not by
     * {@code quarkus.http.limits.max-body-size}: Quarkus answers its own limit with a bare 413
     * (no body, no content type) that no handler of ours gets to shape, which
     * {@code InputAbuseTest} and {@code ErrorShapeTest} refuse. That property stays as the HTTP
     * layer's outer bound (1 MiB).
     */
    static final long MAX_BODY_BYTES = InputLimits.BODY_BYTES;
    static final int MAX_URI_CHARS = 4096;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    void register(@Observes Router router) {
        for (int status : new int[] { 400, 403, 404, 405, 413, 414, 415, 431, 500, 503 }) {
            router.errorHandler(status, ctx -> write(ctx, status));
        }
        // a status-only failure raised below the REST layer (e.g. a chunked body passing the size
        // limit while it is read) would otherwise get Quarkus' own bare answer: shape it first
        router.route().order(Integer.MIN_VALUE).failureHandler(ctx -> {
            int status = ctx.statusCode();
            if (ctx.failure() == null && status >= 400 && status < 600 && !ctx.response().ended()) {
                write(ctx, status);
            } else {
                ctx.next();
            }
        });
    }

    /**
     * Refuses a declared body over the limit before anything reads it, and a body without a
     * {@code Content-Type} (which browsers can send cross-site without a preflight).
     */
    void limitBodies(@Observes Filters filters) {
        filters.register(ctx -> {
            // the HTTP layer's own limits are set far above these (application.properties), so
            // that ordinary oversized requests are refused here, in the error shape
            if (ctx.request().uri().length() > MAX_URI_CHARS) {
                ctx.response().putHeader("Connection", "close");
                write(ctx, 414);
                return;
            }
            if (headerBytes(ctx) > MAX_HEADER_BYTES) {
                ctx.response().putHeader("Connection", "close");
                write(ctx, 431);
                return;
            }
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && declaredTooLarge(length)) {
                ctx.response().putHeader("Connection", "close");
                write(ctx, 413);
                return;
            }
            boolean hasBody = (length != null && !length.trim().equals("0"))
                    || ctx.request().getHeader("Transfer-Encoding") != null;
            if (hasBody && ctx.request().getHeader("Content-Type") == null) {
                write(ctx, 415);
                return;
            }
            ctx.next();
        }, 1000);
    }

    private static int headerBytes(RoutingContext ctx) {
        int total = 0;
        for (var header : ctx.request().headers()) {
            total += header.getKey().length() + header.getValue().length() + 4;
        }
        return total;
    }

    private static boolean declaredTooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false; // Vert.x refuses a malformed Content-Length itself
        }
    }

    static void write(RoutingContext ctx, int status) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        LatchkeyException error = ErrorMapper.forStatus(status);
        ctx.response().setStatusCode(error.status());
        ErrorMapper.headers(error).forEach(ctx.response()::putHeader);
        ctx.response().end(Json.encode(ErrorMapper.body(error)));
    }
}
