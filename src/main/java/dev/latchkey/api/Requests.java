package dev.latchkey.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The JSON request bodies of {@code /auth/*} and {@code /admin/*}. Unknown fields are ignored;
 * every string is bounded.
 */
public final class Requests {

    private Requests() {
    }

    public record RegisterRequest(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password) {
        public RegisterRequest {
            Fields.check("username", username, Fields.USERNAME);
            Fields.check("password", password, Fields.PASSWORD);
        }
    }

    public record LoginRequest(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("refresh_transport") String refreshTransport) {
        public LoginRequest {
            Fields.check("username", username, Fields.USERNAME);
            Fields.check("password", password, Fields.PASSWORD);
            Fields.check("refresh_transport", refreshTransport, Fields.SHORT);
        }
    }

    /**
     * Read by {@link JsonBodies} rather than by a resource method parameter (its body is optional),
     * so Quarkus does not see it: registered for reflection for the native executable.
     */
    @RegisterForReflection
    public record RefreshRequest(
            @JsonProperty("refresh_token") String refreshToken) {
        public RefreshRequest {
            Fields.check("refresh_token", refreshToken, Fields.REFRESH_TOKEN);
        }
    }

    public record PasswordChangeRequest(
            @JsonProperty("current_password") String currentPassword,
            @JsonProperty("new_password") String newPassword) {
        public PasswordChangeRequest {
            Fields.check("current_password", currentPassword, Fields.PASSWORD);
            Fields.check("new_password", newPassword, Fields.PASSWORD);
        }
    }

    /** {@code POST /admin/users}: the password and the roles are optional (no password: no sign-in until a reset). */
    public record AdminUserCreateRequest(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("roles") List<String> roles) {
        public AdminUserCreateRequest {
            Fields.check("username", username, Fields.USERNAME);
            Fields.check("password", password, Fields.PASSWORD);
        }
    }

    /** {@code POST /auth/password-reset}. */
    public record PasswordResetRequest(
            @JsonProperty("reset_token") String resetToken,
            @JsonProperty("new_password") String newPassword) {
        public PasswordResetRequest {
            Fields.check("reset_token", resetToken, Fields.REFRESH_TOKEN);
            Fields.check("new_password", newPassword, Fields.PASSWORD);
        }
    }

    /** {@code POST /auth/password-reset/request}: the account whose owner forgot the password. */
    public record PasswordResetRequestRequest(
            @JsonProperty("username") String username) {
        public PasswordResetRequestRequest {
            Fields.check("username", username, Fields.USERNAME);
        }
    }
}
