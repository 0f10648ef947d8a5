package dev.latchkey.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.ws.rs.core.Response;

import dev.latchkey.error.LatchkeyException;

/**
 * Cursor pagination as the contract writes it: {@code ?limit} (1-100, default 100), an opaque
 * {@code ?cursor}, and a {@code Link: <...>; rel="next"} header (RFC 8288) while more remain.
 */
final class Pages {

    static final int MAX_LIMIT = 100;

    private Pages() {
    }

    /** The page size asked for; 400 if it is not a number from 1 to 100. */
    static int limit(String value) {
        if (value == null) {
            return MAX_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw LatchkeyException.invalidRequest("limit must be a number from 1 to " + MAX_LIMIT);
    }

    /** The cursor as sent (checked by whoever decodes it), bounded like any token; null for the first page. */
    static String cursor(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return Fields.check("cursor", value, Fields.SHORT * 4);
    }

    /** Adds the Link to the next page, if there is one. */
    static void next(Response.ResponseBuilder response, String path, int limit, String next) {
        next(response, path, "", limit, next);
    }

    /**
     * Adds the Link to the next page, if there is one, keeping the list's filter
     * ({@code name=value&}, already encoded, or empty).
     */
    static void next(Response.ResponseBuilder response, String path, String filter, int limit, String next) {
        if (next != null) {
            response.header("Link", "<" + path + "?" + filter + "limit=" + limit + "&cursor="
                    + URLEncoder.encode(next, StandardCharsets.US_ASCII) + ">; rel=\"next\"");
        }
    }

    /** {@code name=value&} for a filter to keep in the next page's link; empty without a value. */
    static String filter(String name, String value) {
        return value == null || value.isEmpty() ? "" : name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + "&";
    }
}
