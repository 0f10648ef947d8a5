package dev.latchkey.api;

import java.net.URI;
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

import dev.latchkey.account.AccountService;
import dev.latchkey.account.User;
import dev.latchkey.api.Requests.LoginRequest;
import dev.latchkey.api.Requests.PasswordChangeRequest;
import dev.latchkey.api.Requests.RefreshRequest;
import dev.latchkey.api.Requests.RegisterRequest;
import dev.latchkey.api.Responses.MeResponse;
import dev.latchkey.api.Responses.UserResponse;
import dev.latchkey.api.TokenResponses.Transport;
import dev.latchkey.audit.AuditType;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.session.ClientInfo;
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
    private final OriginPolicy origins;
    private final RefreshCookie cookie;
    private final JsonBodies bodies;

    public AuthResource(AccountService accounts, SessionService sessions, TokenResponses tokens,
            AccessTokenVerifier verifier, CurrentToken current, LatchkeyConfig config, OriginPolicy origins,
            RefreshCookie cookie, JsonBodies bodies) {
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

    @POST
    @Path("/register")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(RegisterRequest body, HttpServerRequest http) {
        if (!config.registrationEnabled()) {
            throw new LatchkeyException(ErrorCode.ACCESS_DENIED, "registration is disabled");
        }
        RegisterRequest request = required(body);
        User user = accounts.register(request.username(), request.password(), client(http, http.getHeader("User-Agent")));
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
        Transport transport = transportOf(request.refreshTransport());
        if (transport == Transport.COOKIE) {
            checkOrigin(http);
        }
        ClientInfo client = client(http, userAgent);
        User user = accounts.authenticate(request.username(), request.password(), client);
        SessionService.IssuedRefreshToken refresh = sessions.start(user.id, client);
        return tokens.forSession(user, refresh, transport);
    }

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
        SessionService.Rotation rotation = sessions.rotate(presented.raw(), client(http, http.getHeader("User-Agent")));
        if (!rotation.succeeded()) {
            if (presented.transport() == Transport.COOKIE) {
                return ErrorMapper.withCookie(LatchkeyException.invalidGrant(), cookie.clear());
            }
            throw LatchkeyException.invalidGrant();
        }
        return tokens.forSession(rotation.user(), rotation.token(), presented.transport());
    }

    /** Revokes the family of the body's (or the cookie's) refresh token; always clears the cookie. */
    @POST
    @Path("/logout")
    @Consumes(MediaType.WILDCARD)
    public Response logout(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @CookieParam(RefreshCookie.NAME) String cookieToken,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, HttpServerRequest http) {
        PresentedToken presented = presentedToken(body, contentType, cookieToken, http);
        if (authorization != null) {
            denyPresentedAccessToken(authorization);
        }
        sessions.revokeByToken(presented.raw(), AuditType.LOGOUT, client(http, http.getHeader("User-Agent")));
        Response.ResponseBuilder response = Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store");
        if (cookieToken != null) {
            response.header(HttpHeaders.SET_COOKIE, cookie.clear());
        }
        return response.build();
    }

    @POST
    @Path("/logout-all")
    @BearerAuth
    public Response logoutAll(@CookieParam(RefreshCookie.NAME) String cookieToken, HttpServerRequest http) {
        AccessTokenClaims claims = current.claims();
        sessions.logoutAll(UUID.fromString(claims.subject()), UUID.fromString(claims.sid()),
                client(http, http.getHeader("User-Agent")));
        Response.ResponseBuilder response = Response.noContent();
        if (cookieToken != null) {
            response.header(HttpHeaders.SET_COOKIE, cookie.clear()); // its family is dead too
        }
        return response.build();
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
    public Response changePassword(PasswordChangeRequest body, HttpServerRequest http) {
        PasswordChangeRequest request = required(body);
        AccessTokenClaims claims = current.claims();
        accounts.changePassword(UUID.fromString(claims.subject()), UUID.fromString(claims.sid()),
                request.currentPassword(), request.newPassword(), client(http, http.getHeader("User-Agent")));
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

    /** A refresh token and the transport it came by. */
    record PresentedToken(String raw, Transport transport) {
    }

    /** The body's refresh token if there is one, else the cookie's (after the origin check). */
    private PresentedToken presentedToken(byte[] body, String contentType, String cookieToken,
            HttpServerRequest http) {
        RefreshRequest request = bodies.optional(body, contentType, RefreshRequest.class);
        String raw = request == null ? null : request.refreshToken();
        if (raw != null && !raw.isEmpty()) {
            return new PresentedToken(bounded(raw), Transport.BODY);
        }
        if (cookieToken != null && !cookieToken.isEmpty()) {
            checkOrigin(http);
            return new PresentedToken(bounded(cookieToken), Transport.COOKIE);
        }
        throw LatchkeyException.invalidRequest("refresh_token is required (in the body, or the lk_refresh cookie)");
    }

    /** Cookie mode from a foreign origin is cross-site request forgery: 403 before anything happens. */
    private void checkOrigin(HttpServerRequest http) {
        String ownOrigin = http.scheme() + "://" + http.authority();
        if (!origins.mayUseCookies(http.getHeader("Origin"), ownOrigin)) {
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

    private static String bounded(String raw) {
        if (raw.length() > 256) {
            throw LatchkeyException.invalidRequest("refresh_token is too long");
        }
        return raw;
    }

    static ClientInfo client(HttpServerRequest http, String userAgent) {
        return new ClientInfo(address(http), userAgent);
    }

    /**
     * The client address: the socket peer, or what a trusted proxy forwarded when
     * {@code quarkus.http.proxy.*} says so. A bare {@code X-Forwarded-For} changes nothing.
     */
    static String address(HttpServerRequest http) {
        return http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    }

    static <T> T required(T body) {
        if (body == null) {
            throw LatchkeyException.invalidRequest("a JSON body is required");
        }
        return body;
    }
}
