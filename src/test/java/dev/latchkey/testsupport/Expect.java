package dev.latchkey.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/**
 * The contract's refusals (docs/API.md "Error shape"), asserted in full: exact status, a JSON body
 * of exactly {@code error} and {@code error_description}, {@code Cache-Control: no-store}, and the
 * challenge or retry header each code requires. Messages carry the whole answer, so a failure
 * says what came back.
 */
public final class Expect {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Expect() {
    }

    /** The contract's error shape with this status and code; returns the parsed body. */
    public static JsonNode error(Answer answer, int status, String code) {
        String seen = answer.describe();
        assertEquals(status, answer.status(), "status; got " + seen);
        assertEquals("no-store", answer.header("Cache-Control"), "errors carry Cache-Control: no-store; got " + seen);
        String type = answer.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), "errors are JSON; got " + seen);
        JsonNode body;
        try {
            body = JSON.readTree(answer.body());
        } catch (Exception e) {
            throw new AssertionError("error body is not JSON; got " + seen, e);
        }
        assertNotNull(body, "an error body; got " + seen);
        assertTrue(body.isObject(), "the error body is an object; got " + seen);
        assertEquals(code, body.path("error").asText(null), "error code; got " + seen);
        assertTrue(body.path("error_description").isTextual() && !body.path("error_description").asText().isBlank(),
                "error_description is present; got " + seen);
        Set<String> names = new HashSet<>();
        body.fieldNames().forEachRemaining(names::add);
        assertEquals(Set.of("error", "error_description"), names, "nothing but error and error_description; got " + seen);
        String description = body.path("error_description").asText();
        assertFalse(description.contains("Exception") || description.contains("at dev.") || description.contains("jackson"),
                "no exception text reaches the client; got " + seen);
        return body;
    }

    /** 401 {@code invalid_token} for a token that was sent but is bad (RFC 6750 §3.1). */
    public static void invalidToken(Answer answer) {
        error(answer, 401, "invalid_token");
        assertEquals("Bearer error=\"invalid_token\"", answer.header("WWW-Authenticate"),
                "challenge for a bad token; got " + answer.describe());
    }

    /** 401 {@code invalid_token} with a bare {@code Bearer} challenge: no token was recognised at all. */
    public static void missingToken(Answer answer) {
        error(answer, 401, "invalid_token");
        assertEquals("Bearer", answer.header("WWW-Authenticate"),
                "bare challenge when no token was sent; got " + answer.describe());
    }

    /** 401 {@code invalid_grant} on /auth/*, handing out nothing. */
    public static void invalidGrant(Answer answer) {
        error(answer, 401, "invalid_grant");
        noTokenHandedOut(answer);
    }

    /** 400 {@code invalid_request} (or 413/415 with the same code). */
    public static void invalidRequest(Answer answer, int status) {
        error(answer, status, "invalid_request");
        noTokenHandedOut(answer);
    }

    /** 403 {@code access_denied}: nothing happened, so no refresh cookie is set either. */
    public static void accessDenied(Answer answer) {
        error(answer, 403, "access_denied");
        noTokenHandedOut(answer);
    }

    /** 429 {@code slow_down} with a sane {@code Retry-After}; returns its value in seconds. */
    public static long slowDown(Answer answer, long windowSeconds) {
        error(answer, 429, "slow_down");
        noTokenHandedOut(answer);
        String retryAfter = answer.header("Retry-After");
        assertNotNull(retryAfter, "429 carries Retry-After; got " + answer.describe());
        assertTrue(retryAfter.matches("[0-9]{1,9}"), "Retry-After is delta-seconds; got " + answer.describe());
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds <= windowSeconds,
                "Retry-After within the throttling window (" + windowSeconds + " s); got " + answer.describe());
        return seconds;
    }

    /** No token in the body and no refresh cookie carrying a value. */
    public static void noTokenHandedOut(Answer answer) {
        JsonNode body;
        try {
            body = JSON.readTree(answer.body() == null ? "" : answer.body());
        } catch (Exception e) {
            body = null;
        }
        assertFalse(body != null && (body.has("access_token") || body.has("refresh_token") || body.has("session_id")),
                "no token in a refusal; got " + answer.describe());
        for (String cookie : answer.headers("Set-Cookie")) {
            assertTrue(cookie.startsWith("lk_refresh=;"),
                    "no refresh cookie with a value in a refusal; got " + answer.describe());
        }
    }

    public static void invalidToken(Response response) {
        invalidToken(Answer.of(response));
    }

    public static void missingToken(Response response) {
        missingToken(Answer.of(response));
    }

    public static void invalidGrant(Response response) {
        invalidGrant(Answer.of(response));
    }

    public static void invalidRequest(Response response, int status) {
        invalidRequest(Answer.of(response), status);
    }

    public static void accessDenied(Response response) {
        accessDenied(Answer.of(response));
    }

    public static long slowDown(Response response, long windowSeconds) {
        return slowDown(Answer.of(response), windowSeconds);
    }

    public static JsonNode error(Response response, int status, String code) {
        return error(Answer.of(response), status, code);
    }

    /**
     * {@link #error(Response, int, String)}, then the answer for further assertions (a header the
     * refusal must or must not carry).
     */
    public static ValidatableResponse refusal(Response response, int status, String code) {
        error(response, status, code);
        return response.then();
    }

    /** Parses a JSON body, failing the test with the body if it is not JSON. */
    public static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            fail("not JSON: " + body);
            return null;
        }
    }
}
