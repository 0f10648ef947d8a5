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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.api.Responses.SessionResponse;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.session.LiveSession;
import dev.latchkey.session.SessionService;
import dev.latchkey.token.AccessTokenClaims;

/** {@code /auth/sessions}: the caller's active sessions, and revoking one of them. */
@Path("/auth/sessions")
@Produces(MediaType.APPLICATION_JSON)
@BearerAuth
@Tag(name = "sessions")
public class SessionsResource {

    private final SessionService sessions;
    private final CurrentToken current;
    private final ClientInfos clients;

    public SessionsResource(SessionService sessions, CurrentToken current, ClientInfos clients) {
        this.sessions = sessions;
        this.current = current;
        this.clients = clients;
    }

    @Operation(summary = "The caller's active sessions", description = "Most recently used first, `limit` (1-100, default 100) at a time; when more remain, a `Link: <...>; rel=\"next\"` header (RFC 8288) names the next page.")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @APIResponse(responseCode = "200", description = "Active sessions, most recently used first", content = @Content(mediaType = "application/json", schema = @Schema(implementation = SessionResponse.class, type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "A limit out of range, or a cursor that is not one of ours", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @GET
    public Response list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        AccessTokenClaims claims = current.claims();
        return page(sessions.sessions(UUID.fromString(claims.subject()), Pages.limit(limit), Pages.cursor(cursor)),
                "/auth/sessions", claims.sid(), Pages.limit(limit));
    }

    /** A page of sessions as the contract writes it, with the Link to the next page; {@code current} may be null. */
    static Response page(SessionService.SessionPage page, String path, String currentSid, int limit) {
        List<SessionResponse> body = page.sessions().stream().map(s -> toResponse(s, currentSid)).toList();
        Response.ResponseBuilder response = Response.ok(body);
        Pages.next(response, path, limit, page.next());
        return response.build();
    }

    @Operation(summary = "End one of the caller's sessions")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @APIResponse(responseCode = "204", description = "Ended")
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "Not one of the caller's sessions", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
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
                clients.of(http));
        return Response.noContent().build();
    }

    private static SessionResponse toResponse(LiveSession session, String currentSid) {
        return new SessionResponse(session.id().toString(), rfc3339(session.createdAt()),
                rfc3339(session.lastUsedAt()), rfc3339(session.expiresAt()), session.userAgent(), session.ip(),
                currentSid == null ? null : session.id().toString().equals(currentSid));
    }

    /** RFC 3339 in UTC, whole seconds: {@code 2026-11-22T21:01:34Z}. */
    static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
