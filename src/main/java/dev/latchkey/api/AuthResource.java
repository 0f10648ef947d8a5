package dev.latchkey.api;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.latchkey.account.AccountService;
import dev.latchkey.account.User;
import dev.latchkey.api.Requests.LoginRequest;
import dev.latchkey.api.Requests.PasswordChangeRequest;
import dev.latchkey.api.Requests.RefreshRequest;
import dev.latchkey.api.Requests.RegisterRequest;
import dev.latchkey.api.Responses.MeResponse;
import dev.latchkey.api.Responses.UserResponse;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.session.ClientInfo;
import dev.latchkey.session.RevokeReason;
import dev.latchkey.session.SessionService;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenVerifier;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.HttpServerRequest;

/** {@code /auth/*}: the JSON API for SPAs and mobile backends. HTTP only; the rules live in the services. */
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final AccountService accounts;
    private final SessionService sessions;
    private final TokenResponses tokens;
    private final AccessTokenVerifier verifier;
    private final CurrentToken current;
    private final LatchkeyConfig config;

    public AuthResource(AccountService accounts, SessionService sessions, TokenResponses tokens,
            AccessTokenVerifier verifier, CurrentToken current, LatchkeyConfig config) {
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.verifier = verifier;
        this.current = current;
        this.config = config;
    }

    @POST
    @Path("/register")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterRequest body) {
        if (!config.registrationEnabled()) {
            throw new LatchkeyException(ErrorCode.ACCESS_DENIED, "registration is disabled");
        }
        RegisterRequest request = required(body);
        User user = accounts.register(request.username(), request.password());
        return Response.created(URI.create("/auth/me"))
                .entity(new UserResponse(user.id.toString(), user.username))
                .build();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(LoginRequest body, @HeaderParam(HttpHeaders.USER_AGENT) String userAgent,
            HttpServerRequest http) {
        LoginRequest request = required(body);
        String transport = request.refreshTransport();
        if (transport != null && !transport.equals("body")) {
            throw LatchkeyException.invalidRequest("refresh_transport must be \"body\"");
        }
        User user = accounts.authenticate(request.username(), request.password());
        SessionService.IssuedRefreshToken refresh = sessions.start(user.id, client(http, userAgent));
        return tokens.forSession(user, refresh);
    }

    @POST
    @Path("/refresh")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response refresh(RefreshRequest body) {
        String raw = refreshTokenOf(body);
        SessionService.Rotation rotation = sessions.rotate(raw);
        if (!rotation.succeeded()) {
            throw LatchkeyException.invalidGrant();
        }
        return tokens.forSession(rotation.user(), rotation.token());
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response logout(RefreshRequest body, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String raw = refreshTokenOf(body);
        if (authorization != null) {
            denyPresentedAccessToken(authorization);
        }
        sessions.revokeByToken(raw, RevokeReason.LOGOUT);
        return Response.noContent().build();
    }

    @POST
    @Path("/logout-all")
    @BearerAuth
    public Response logoutAll() {
        AccessTokenClaims claims = current.claims();
        sessions.revokeAllSessions(UUID.fromString(claims.subject()), null, RevokeReason.LOGOUT_ALL, true);
        return Response.noContent().build();
    }

    @GET
    @Path("/me")
    @BearerAuth
    @NonBlocking
    public MeResponse me() {
        AccessTokenClaims claims = current.claims();
        return new MeResponse(claims.subject(), claims.username(), claims.groups(), claims.sid());
    }

    @POST
    @Path("/password")
    @BearerAuth
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePassword(PasswordChangeRequest body) {
        PasswordChangeRequest request = required(body);
        AccessTokenClaims claims = current.claims();
        accounts.changePassword(UUID.fromString(claims.subject()), UUID.fromString(claims.sid()),
                request.currentPassword(), request.newPassword());
        return Response.noContent().build();
    }

    /** Logout with a bearer token also denies that token; a bad bearer token does not stop the logout. */
    private void denyPresentedAccessToken(String authorization) {
        try {
            AccessTokenClaims claims = verifier.verifySignatureAndClaims(BearerAuthFilter.bearerToken(authorization));
            sessions.denyAccessToken(claims.jti(), claims.expiresAt());
        } catch (LatchkeyException e) {
            if (e.code() == ErrorCode.TEMPORARILY_UNAVAILABLE) {
                throw e;
            }
        }
    }

    private static String refreshTokenOf(RefreshRequest body) {
        String raw = body == null ? null : body.refreshToken();
        if (raw == null || raw.isEmpty()) {
            throw LatchkeyException.invalidRequest("refresh_token is required");
        }
        if (raw.length() > 256) {
            throw LatchkeyException.invalidRequest("refresh_token is too long");
        }
        return raw;
    }

    static ClientInfo client(HttpServerRequest http, String userAgent) {
        String ip = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return new ClientInfo(ip, userAgent);
    }

    static <T> T required(T body) {
        if (body == null) {
            throw LatchkeyException.invalidRequest("a JSON body is required");
        }
        return body;
    }
}
