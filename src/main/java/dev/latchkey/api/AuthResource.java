package dev.latchkey.api;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.account.AccountService;
import dev.latchkey.account.User;
import dev.latchkey.api.Requests.LoginRequest;
import dev.latchkey.api.Requests.PasswordChangeRequest;
import dev.latchkey.api.Requests.RefreshRequest;
import dev.latchkey.api.Requests.RegisterRequest;
import dev.latchkey.api.Responses.MeResponse;
import dev.latchkey.api.Responses.UserResponse;
import dev.latchkey.api.TokenResponses.Transport;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.oauth.OAuth2Service;
import dev.latchkey.session.SessionService;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenVerifier;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.http.HttpServerRequest;

/** {@code /auth/*}: the JSON API for SPAs and mobile backends. HTTP only; the rules live in the services. */
@Path("/auth")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "auth")
public class AuthResource {

    private final AccountService accounts;
    private final SessionService sessions;
    private final TokenResponses tokens;
    private final AccessTokenVerifier verifier;
    private final CurrentToken current;
    private final LatchkeyConfig config;
    private final OriginPolicy origins;
    private final RefreshCookie cookie;
    private final JsonBodies bodies;
    private final ClientInfos clients;

    public AuthResource(AccountService accounts, SessionService sessions, TokenResponses tokens,
            AccessTokenVerifier verifier, CurrentToken current, LatchkeyConfig config, OriginPolicy origins,
            RefreshCookie cookie, JsonBodies bodies, ClientInfos clients) {
        this.clients = clients;
        this.accounts = accounts;
        this.sessions = sessions;
        this.tokens = tokens;
        this.verifier = verifier;
        this.current = current;
        this.config = config;
        this.origins = origins;
        this.cookie = cookie;
        this.bodies = bodies;
    }

    @Operation(summary = "Create an account")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = RegisterRequest.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserResponse.class)))
    @APIResponse(responseCode = "400", description = "Bad input, weak or common password", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Registration is disabled", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "The username is taken", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many registrations from this address", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/register")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterRequest body, HttpServerRequest http) {
        if (!config.registrationEnabled()) {
            throw new LatchkeyException(ErrorCode.ACCESS_DENIED, "registration is disabled");
        }
        RegisterRequest request = required(body);
        User user = accounts.register(request.username(), request.password(), clients.of(http));
        return Response.created(URI.create("/auth/me"))
                .entity(new UserResponse(user.id.toString(), user.username))
                .build();
    }

    @Operation(summary = "Sign in", description = "Starts a session (refresh-token family). With refresh_transport=cookie the refresh token is only in the lk_refresh cookie.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = LoginRequest.class)))
    @APIResponse(responseCode = "200", description = "Token response", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Responses.TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a missing or oversized field", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Bad credentials (same answer for unknown users)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Cookie mode from a foreign origin", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many failures; see Retry-After", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(LoginRequest body, HttpServerRequest http) {
        LoginRequest request = required(body);
        Transport transport = transportOf(request.refreshTransport());
        if (transport == Transport.COOKIE) {
            checkOrigin(http);
        }
        return tokens.forSession(accounts.login(request.username(), request.password(), clients.of(http)), transport);
    }

    @Operation(summary = "Rotate a refresh token", description = "From the body's refresh_token, or else the lk_refresh cookie; answers in the same mode.")
    @SecurityRequirement(name = OpenApiDefinition.REFRESH_COOKIE)
    @RequestBody(required = false, content = @Content(mediaType = "application/json", schema = @Schema(implementation = RefreshRequest.class)))
    @APIResponse(responseCode = "200", description = "Token response (a new refresh token)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Responses.TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "Malformed JSON, a missing or oversized field", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Unknown, expired, revoked or reused refresh token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Cookie mode from a foreign origin", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    /**
     * Rotates the refresh token of the body, or else of the {@code lk_refresh} cookie, and answers
     * in the same mode. In cookie mode a refused token also clears the cookie.
     */
    @POST
    @Path("/refresh")
    @Consumes(MediaType.WILDCARD)
    public Response refresh(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @CookieParam(RefreshCookie.NAME) String cookieToken, HttpServerRequest http) {
        PresentedToken presented = presentedToken(body, contentType, cookieToken, http);
        SessionService.Rotation rotation = sessions.rotate(presented.raw(), clients.of(http));
        if (!rotation.succeeded()) {
            if (presented.transport() == Transport.COOKIE) {
                return ErrorMapper.withCookie(LatchkeyException.invalidGrant(), cookie.clear());
            }
            throw LatchkeyException.invalidGrant();
        }
        return tokens.forSession(rotation.grant(), presented.transport());
    }

    @Operation(summary = "Sign out of one session", description = "Revokes the family of the body's (or cookie's) refresh token and its access tokens; idempotent; a bearer token, if sent, is denied too.")
    @SecurityRequirement(name = OpenApiDefinition.REFRESH_COOKIE)
    @RequestBody(required = false, content = @Content(mediaType = "application/json", schema = @Schema(implementation = RefreshRequest.class)))
    @APIResponse(responseCode = "204", description = "Signed out (also for unknown tokens)")
    @APIResponse(responseCode = "400", description = "Malformed JSON, a missing or oversized field", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "Cookie mode from a foreign origin", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    /** Revokes the family of the body's (or the cookie's) refresh token; always clears the cookie. */
    @POST
    @Path("/logout")
    @Consumes(MediaType.WILDCARD)
    public Response logout(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @CookieParam(RefreshCookie.NAME) String cookieToken,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, HttpServerRequest http) {
        PresentedToken presented = presentedToken(body, contentType, cookieToken, http);
        sessions.logout(presented.raw(), presentedAccessToken(authorization), clients.of(http));
        Response.ResponseBuilder response = Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (cookieToken != null) {
            response.header(HttpHeaders.SET_COOKIE, cookie.clear());
        }
        return response.build();
    }

    @Operation(summary = "Sign out everywhere", description = "Revokes every session of the user and every access token issued before now.")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @APIResponse(responseCode = "204", description = "Every session ended")
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/logout-all")
    @BearerAuth
    public Response logoutAll(@CookieParam(RefreshCookie.NAME) String cookieToken, HttpServerRequest http) {
        AccessTokenClaims claims = current.claims();
        sessions.logoutAll(UUID.fromString(claims.subject()), UUID.fromString(claims.sid()),
                clients.of(http));
        Response.ResponseBuilder response = Response.noContent();
        if (cookieToken != null) {
            response.header(HttpHeaders.SET_COOKIE, cookie.clear()); // its family is dead too
        }
        return response.build();
    }

    @Operation(summary = "Who am I")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @APIResponse(responseCode = "200", description = "The caller", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MeResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @GET
    @Path("/me")
    @BearerAuth
    @NonBlocking
    public MeResponse me() {
        AccessTokenClaims claims = current.claims();
        return new MeResponse(claims.subject(), claims.username(), claims.groups(), claims.sid());
    }

    @Operation(summary = "Change the password", description = "Revokes every other session of the user; the caller's stays.")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasswordChangeRequest.class)))
    @APIResponse(responseCode = "204", description = "Changed")
    @APIResponse(responseCode = "400", description = "Bad input, weak or common new password", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Bad access token, or wrong current password (invalid_grant)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/password")
    @BearerAuth
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePassword(PasswordChangeRequest body, HttpServerRequest http) {
        PasswordChangeRequest request = required(body);
        AccessTokenClaims claims = current.claims();
        accounts.changePassword(UUID.fromString(claims.subject()), UUID.fromString(claims.sid()),
                request.currentPassword(), request.newPassword(), clients.of(http));
        return Response.noContent().build();
    }

    /** Logout with a bearer token also denies that token; a bad bearer token does not stop the logout. */
    private Optional<SessionService.DeniedToken> presentedAccessToken(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String token;
        try {
            token = BearerAuthFilter.bearerToken(authorization);
        } catch (LatchkeyException e) {
            return Optional.empty(); // not a bearer token at all
        }
        return verifier.verifyIfValid(token).map(OAuth2Service::deniable);
    }

    /** A refresh token and the transport it came by. */
    record PresentedToken(String raw, Transport transport) {
    }

    /** The body's refresh token if there is one, else the cookie's (after the origin check). */
    private PresentedToken presentedToken(byte[] body, String contentType, String cookieToken,
            HttpServerRequest http) {
        RefreshRequest request = bodies.optional(body, contentType, RefreshRequest.class);
        String raw = request == null ? null : request.refreshToken();
        if (raw != null && !raw.isEmpty()) {
            return new PresentedToken(raw, Transport.BODY);
        }
        if (cookieToken != null && !cookieToken.isEmpty()) {
            checkOrigin(http);
            return new PresentedToken(Fields.check(RefreshCookie.NAME, cookieToken, Fields.REFRESH_TOKEN), Transport.COOKIE);
        }
        throw LatchkeyException.invalidRequest("refresh_token is required (in the body, or the lk_refresh cookie)");
    }

    /** Cookie mode from a foreign origin is cross-site request forgery: 403 before anything happens. */
    private void checkOrigin(HttpServerRequest http) {
        if (!origins.mayUseCookies(http.getHeader("Origin"))) {
            throw new LatchkeyException(ErrorCode.ACCESS_DENIED, "this origin may not use cookie mode");
        }
    }

    private static Transport transportOf(String requested) {
        if (requested == null || requested.equals("body")) {
            return Transport.BODY;
        }
        if (requested.equals("cookie")) {
            return Transport.COOKIE;
        }
        throw LatchkeyException.invalidRequest("refresh_transport must be \"body\" or \"cookie\"");
    }

    static <T> T required(T body) {
        if (body == null) {
            throw LatchkeyException.invalidRequest("a JSON body is required");
        }
        return body;
    }
}
