package dev.latchkey.api;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The contract's error body. Built inside {@code Response} objects, so registered for native reflection. */
@RegisterForReflection
public record ErrorResponse(
        @JsonProperty("error") String error,
        @JsonProperty("error_description") String errorDescription) {
}
