package dev.latchkey.api;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;

/**
 * Reads the optional JSON body of endpoints a browser may call with no body at all (refresh and
 * logout in cookie mode): empty means "no body"; anything else must be JSON.
 */
@ApplicationScoped
public class JsonBodies {

    private final ObjectMapper json;

    public JsonBodies(ObjectMapper json) {
        this.json = json;
    }

    /** The body as {@code type}, or null when there is none. */
    public <T> T optional(byte[] body, String contentType, Class<T> type) {
        if (body == null || body.length == 0) {
            return null;
        }
        if (contentType == null || !MediaType.valueOf(contentType).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw new LatchkeyException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be application/json");
        }
        try {
            return json.readValue(body, type);
        } catch (IOException | IllegalArgumentException e) {
            throw ErrorMapper.fromJson(e);
        }
    }
}
