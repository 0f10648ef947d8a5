package dev.latchkey.api;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.Failures;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.error.OutageLog;

/**
 * Writes every error a resource ends with in the contract's shape. The client gets a code and a
 * safe description; exception messages and class names never leave the server.
 */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response latchkey(LatchkeyException e) {
        return toResponse(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return toResponse(fromJson(e));
    }

    /** A JSON failure as the client should see it: a field rule broken in a request record, or unreadable JSON. */
    public static LatchkeyException fromJson(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LatchkeyException rule) {
                return rule;
            }
        }
        LOG.debugf("unreadable JSON body: %s", e.getClass().getSimpleName());
        return LatchkeyException.invalidRequest("the request body is not valid JSON of the expected shape");
    }

    /** More specific than the JSON mapper above, so it wins over Quarkus' own empty 400. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return json(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        if (Failures.isUnavailable(e)) {
            return unavailable(e);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        return toResponse(forStatus(status));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (Failures.isUnavailable(e)) {
            return unavailable(e);
        }
        // the message may quote SQL values; log the types only
        LOG.errorf("unexpected failure: %s", Failures.describe(e));
        return toResponse(new LatchkeyException(ErrorCode.SERVER_ERROR, "an unexpected error occurred"));
    }

    private Response unavailable(Throwable e) {
        OutageLog.failed(Failures.dependencyOf(e), "request", e);
        return toResponse(LatchkeyException.unavailable());
    }

    /** The error a bare HTTP status (unknown route, wrong method, body too large) maps to. */
    public static LatchkeyException forStatus(int status) {
        return switch (status) {
            case 401 -> LatchkeyException.missingToken();
            case 403 -> new LatchkeyException(ErrorCode.ACCESS_DENIED, "access denied");
            case 404 -> new LatchkeyException(ErrorCode.NOT_FOUND, "no such resource");
            case 405 -> new LatchkeyException(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this resource");
            case 406 -> new LatchkeyException(ErrorCode.NOT_ACCEPTABLE, "the requested media type is not available");
            case 413 -> new LatchkeyException(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large");
            case 414 -> new LatchkeyException(ErrorCode.INVALID_REQUEST, "the request line is too long").withStatus(414);
            case 415 -> new LatchkeyException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "unsupported content type");
            case 431 -> new LatchkeyException(ErrorCode.INVALID_REQUEST, "the request headers are too large").withStatus(431);
            case 503 -> LatchkeyException.unavailable();
            default -> status >= 500
                    ? new LatchkeyException(ErrorCode.SERVER_ERROR, "an unexpected error occurred")
                    : LatchkeyException.invalidRequest("the request is not valid");
        };
    }

    /** The contract's error response for {@code e}, with its challenge and retry headers. */
    public static Response toResponse(LatchkeyException e) {
        Response.ResponseBuilder response = Response.status(e.status()).entity(body(e));
        headers(e).forEach(response::header);
        return response.build();
    }

    /** The body of every error answer: the code and a safe description, nothing else. */
    static ErrorResponse body(LatchkeyException e) {
        return new ErrorResponse(e.code().code(), e.description());
    }

    /**
     * The headers of every error answer, whichever layer writes it (a resource, or the HTTP layer
     * below them): JSON, never cached, and the challenge and retry hints the error calls for.
     */
    static Map<String, String> headers(LatchkeyException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8");
        headers.put(HttpHeaders.CACHE_CONTROL, "no-store");
        headers.put("Pragma", "no-cache");
        String challenge = challenge(e);
        if (challenge != null) {
            headers.put(HttpHeaders.WWW_AUTHENTICATE, challenge);
        }
        e.retryAfter().ifPresent(d -> headers.put(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, d.toSeconds()))));
        return headers;
    }

    /** The error response, also setting (or clearing) a cookie. */
    public static Response withCookie(LatchkeyException e, String setCookie) {
        return Response.fromResponse(toResponse(e)).header(HttpHeaders.SET_COOKIE, setCookie).build();
    }

    /** The {@code WWW-Authenticate} value for {@code e}, or null when none is due. */
    public static String challenge(LatchkeyException e) {
        return switch (e.code()) {
            case INVALID_TOKEN -> e.credentialsMissing() ? "Bearer" : "Bearer error=\"invalid_token\"";
            case INSUFFICIENT_SCOPE -> "Bearer error=\"insufficient_scope\"";
            case INVALID_CLIENT -> e.status() == 401 ? "Basic realm=\"latchkey\"" : null;
            default -> null;
        };
    }
}
