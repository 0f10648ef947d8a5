package dev.latchkey.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The contract's error body. */
public record ErrorResponse(
        @JsonProperty("error") String error,
        @JsonProperty("error_description") String errorDescription) {
}
