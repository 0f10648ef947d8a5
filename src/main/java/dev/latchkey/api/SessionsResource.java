package dev.latchkey.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.latchkey.api.Responses.SessionResponse;
import dev.latchkey.session.RefreshFamily;
import dev.latchkey.session.SessionService;
import dev.latchkey.token.AccessTokenClaims;

/** {@code /auth/sessions}: the caller's active sessions, and revoking one of them. */
@Path("/auth/sessions")
@Produces(MediaType.APPLICATION_JSON)
@BearerAuth
public class SessionsResource {

    private final SessionService sessions;
    private final CurrentToken current;

    public SessionsResource(SessionService sessions, CurrentToken current) {
        this.sessions = sessions;
        this.current = current;
    }

    @GET
    public List<SessionResponse> list() {
        AccessTokenClaims claims = current.claims();
        return sessions.listActive(UUID.fromString(claims.subject())).stream()
                .map(family -> toResponse(family, claims.sid()))
                .toList();
    }

    @DELETE
    @Path("/{id}")
    public Response revoke(@PathParam("id") String id, io.vertx.core.http.HttpServerRequest http) {
        UUID familyId;
        try {
            familyId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new LatchkeyException(ErrorCode.NOT_FOUND, "no such session");
        }
        sessions.revokeSession(UUID.fromString(current.claims().subject()), familyId,
                AuthResource.client(http, http.getHeader("User-Agent")));
        return Response.noContent().build();
    }

    private static SessionResponse toResponse(RefreshFamily family, String currentSid) {
        return new SessionResponse(family.id.toString(), rfc3339(family.createdAt), rfc3339(family.lastUsedAt),
                rfc3339(family.expiresAt()), family.userAgent, family.ip, family.id.toString().equals(currentSid));
    }

    /** RFC 3339 in UTC, whole seconds: {@code 2026-11-22T21:01:34Z}. */
    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
