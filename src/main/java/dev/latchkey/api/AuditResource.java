package dev.latchkey.api;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.latchkey.api.Responses.AuditEventResponse;
import dev.latchkey.api.Responses.AuditPageResponse;
import dev.latchkey.audit.AuditEvent;
import dev.latchkey.audit.AuditTrail;

/** {@code GET /auth/audit}: the caller's own audit events, newest first, a page at a time. */
@Path("/auth/audit")
@Produces(MediaType.APPLICATION_JSON)
@BearerAuth
public class AuditResource {

    static final int MAX_SIZE = 100;

    private final AuditTrail audit;
    private final CurrentToken current;

    public AuditResource(AuditTrail audit, CurrentToken current) {
        this.audit = audit;
        this.current = current;
    }

    @GET
    public AuditPageResponse list(@QueryParam("page") @DefaultValue("0") String page,
            @QueryParam("size") @DefaultValue("20") String size) {
        int pageIndex = bounded("page", page, 0, 100_000);
        int pageSize = bounded("size", size, 1, MAX_SIZE);
        // one extra row tells whether a next page exists
        List<AuditEvent> events = audit.page(UUID.fromString(current.claims().subject()), pageIndex, pageSize + 1);
        boolean more = events.size() > pageSize;
        List<AuditEventResponse> items = events.stream().limit(pageSize)
                .map(e -> new AuditEventResponse(e.type, e.outcome, e.sid == null ? null : e.sid.toString(),
                        e.clientAddress, e.userAgent, SessionsResource.rfc3339(e.occurredAt)))
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
