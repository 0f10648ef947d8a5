package dev.latchkey.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The JSON request bodies of {@code /auth/*}. Unknown fields are ignored; every string is bounded. */
public final class Requests {

    private Requests() {
    }

    public record RegisterRequest(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password) {
    }

    public record LoginRequest(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("refresh_transport") String refreshTransport) {
    }

    public record RefreshRequest(
            @JsonProperty("refresh_token") String refreshToken) {
    }

    public record PasswordChangeRequest(
            @JsonProperty("current_password") String currentPassword,
            @JsonProperty("new_password") String newPassword) {
    }
}
