package dev.latchkey.api;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.api.Responses.AuditEventResponse;
import dev.latchkey.api.Responses.AuditPageResponse;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditTrail;
import dev.latchkey.error.LatchkeyException;

/** {@code GET /auth/audit}: the caller's own audit events, newest first, a page at a time. */
@Path("/auth/audit")
@Produces(MediaType.APPLICATION_JSON)
@BearerAuth
@Tag(name = "sessions")
public class AuditResource {

    static final int MAX_SIZE = 100;

    private final AuditTrail audit;
    private final CurrentToken current;

    public AuditResource(AuditTrail audit, CurrentToken current) {
        this.audit = audit;
        this.current = current;
    }

    @Operation(summary = "The caller's audit events, newest first")
    @SecurityRequirement(name = OpenApiDefinition.BEARER)
    @APIResponse(responseCode = "200", description = "A page of events", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AuditPageResponse.class)))
    @APIResponse(responseCode = "400", description = "Bad page or size", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @GET
    public AuditPageResponse list(@QueryParam("page") @DefaultValue("0") String page,
            @QueryParam("size") @DefaultValue("20") String size) {
        int pageIndex = bounded("page", page, 0, 100_000);
        int pageSize = bounded("size", size, 1, MAX_SIZE);
        // one extra row tells whether a next page exists
        List<AuditEvent> events = audit.pageWithLookahead(UUID.fromString(current.claims().subject()), pageIndex, pageSize);
        boolean more = events.size() > pageSize;
        List<AuditEventResponse> items = events.stream().limit(pageSize)
                .map(e -> new AuditEventResponse(e.type, e.outcome, e.sid == null ? null : e.sid.toString(),
                        e.clientAddress, e.userAgent, e.clientId, SessionsResource.rfc3339(e.occurredAt)))
                .toList();
        return new AuditPageResponse(items, pageIndex, pageSize, more ? pageIndex + 1 : null);
    }

    private static int bounded(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw LatchkeyException.invalidRequest(name + " must be a number from " + min + " to " + max);
    }
}
