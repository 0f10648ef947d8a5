package dev.latchkey.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** The JSON response bodies of {@code /auth/*}, in the contract's spelling. */
public final class Responses {

    private Responses() {
    }

    /** RFC 6749 §5.1 token response; {@code refresh_token} is absent in cookie mode and for client tokens. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenResponse(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("token_type") String tokenType,
            @JsonProperty("expires_in") long expiresIn,
            @JsonProperty("refresh_token") String refreshToken,
            @JsonProperty("refresh_expires_in") Long refreshExpiresIn,
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("scope") String scope) {
    }

    @RegisterForReflection
    public record UserResponse(
            @JsonProperty("id") String id,
            @JsonProperty("username") String username) {
    }

    public record MeResponse(
            @JsonProperty("id") String id,
            @JsonProperty("username") String username,
            @JsonProperty("roles") List<String> roles,
            @JsonProperty("sid") String sid) {
    }

    /** {@code current} is absent where there is no caller's session (the admin API). */
    @RegisterForReflection
    public record SessionResponse(
            @JsonProperty("id") String id,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("last_used_at") String lastUsedAt,
            @JsonProperty("expires_at") String expiresAt,
            @JsonProperty("user_agent") String userAgent,
            @JsonProperty("ip") String ip,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("current") Boolean current) {
    }

    /** {@code client_id}: the confidential client that acted through the admin API, null for the user's own actions. */
    public record AuditEventResponse(
            @JsonProperty("type") String type,
            @JsonProperty("outcome") String outcome,
            @JsonProperty("sid") String sid,
            @JsonProperty("client_address") String clientAddress,
            @JsonProperty("user_agent") String userAgent,
            @JsonProperty("client_id") String clientId,
            @JsonProperty("occurred_at") String occurredAt) {
    }

    public record AuditPageResponse(
            @JsonProperty("events") List<AuditEventResponse> events,
            @JsonProperty("page") int page,
            @JsonProperty("size") int size,
            @JsonProperty("next_page") Integer nextPage) {
    }

    /** A user as the admin API shows it; times are RFC 3339 UTC, null when it never happened. */
    @RegisterForReflection
    public record AdminUserResponse(
            @JsonProperty("id") String id,
            @JsonProperty("username") String username,
            @JsonProperty("roles") List<String> roles,
            @JsonProperty("disabled") boolean disabled,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("password_changed_at") String passwordChangedAt,
            @JsonProperty("last_login_at") String lastLoginAt,
            @JsonProperty("active_sessions") int activeSessions) {
    }

    /** A password-reset token for the admin client to deliver by its own channel. */
    @RegisterForReflection
    public record PasswordResetTokenResponse(
            @JsonProperty("reset_token") String resetToken,
            @JsonProperty("expires_in") long expiresIn) {
        @Override
        public String toString() {
            return "PasswordResetTokenResponse[expiresIn=" + expiresIn + "]"; // never the token
        }
    }
}
