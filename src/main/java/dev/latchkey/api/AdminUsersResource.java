package dev.latchkey.api;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.latchkey.account.PasswordResetService;
import dev.latchkey.account.UserAdminService;
import dev.latchkey.account.UserAdminService.UserDetails;
import dev.latchkey.account.UserAdminService.UserPage;
import dev.latchkey.account.UserAdminService.UserPatch;
import dev.latchkey.api.Requests.AdminUserCreateRequest;
import dev.latchkey.api.Responses.AdminUserResponse;
import dev.latchkey.api.Responses.PasswordResetTokenResponse;
import dev.latchkey.api.Responses.SessionResponse;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.oauth.ClientRegistry;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code /admin/users}: users as an application's trusted backend manages them (API.md "Admin
 * API"), for a confidential client with the {@code latchkey:admin} scope ({@link AdminAuth}).
 * HTTP only; the rules and the audit trail live in {@link UserAdminService}.
 */
@Path("/admin/users")
@Produces(MediaType.APPLICATION_JSON)
@AdminAuth
@Tag(name = "admin")
public class AdminUsersResource {

    /** RFC 7396. */
    static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String PATH = "/admin/users";

    private final UserAdminService users;
    private final PasswordResetService resets;
    private final CurrentToken current;
    private final ClientInfos clients;
    private final ObjectMapper json;

    public AdminUsersResource(UserAdminService users, PasswordResetService resets, CurrentToken current,
            ClientInfos clients, ObjectMapper json) {
        this.users = users;
        this.resets = resets;
        this.current = current;
        this.clients = clients;
        this.json = json;
    }

    @Operation(summary = "Create a user", description = "Without `password` the account cannot sign in until a password is set with a reset token. `roles` defaults to [\"user\"]: 1-64 characters of [A-Za-z0-9_.:-] each, at most 32.")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = AdminUserCreateRequest.class)))
    @APIResponse(responseCode = "201", description = "Created", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AdminUserResponse.class)))
    @APIResponse(responseCode = "400", description = "Bad username, roles or password (weak or common)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "409", description = "The username is taken", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(AdminUserCreateRequest body, HttpServerRequest http) {
        AdminUserCreateRequest request = AuthResource.required(body);
        UserDetails user = users.create(request.username(), request.password(), request.roles(), clients.of(http),
                actingClient());
        return Response.created(URI.create(PATH + "/" + user.id())).entity(toResponse(user)).build();
    }

    @Operation(summary = "List users", description = "Disabled ones included, in code-point order of the username, `limit` (1-100, default 100) at a time, only those starting with `username_prefix` if given; when more remain, a `Link: <...>; rel=\"next\"` header (RFC 8288) names the next page.")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @APIResponse(responseCode = "200", description = "A page of users", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AdminUserResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "A limit out of range, a prefix no username can have, or a cursor that is not one of ours", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @GET
    public Response list(@QueryParam("username_prefix") String prefix, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, HttpServerRequest http) {
        String checkedPrefix = Fields.check("username_prefix", prefix, Fields.USERNAME);
        int size = Pages.limit(limit);
        UserPage page = users.list(checkedPrefix, size, Pages.cursor(cursor), clients.of(http), actingClient());
        Response.ResponseBuilder response = Response.ok(page.users().stream().map(AdminUsersResource::toResponse).toList());
        Pages.next(response, PATH, Pages.filter("username_prefix", checkedPrefix), size, page.next());
        return response.build();
    }

    @Operation(summary = "Read a user", description = "`active_sessions` is the number of live sessions (refresh-token families).")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @APIResponse(responseCode = "200", description = "The user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AdminUserResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @GET
    @Path("/{id}")
    public AdminUserResponse get(@PathParam("id") String id, HttpServerRequest http) {
        return toResponse(users.get(userId(id), clients.of(http), actingClient()));
    }

    @Operation(summary = "Change a user's roles or disable/enable it (JSON merge patch)", description = "`roles` (an array, [] allowed) and `disabled` (a boolean); `null` for either is 400. Disabling ends every session and refuses every access token of the user at once, and login answers invalid_grant. A role change refuses every earlier access token of the user at once; sessions stay, and their next refresh carries the new roles.")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @RequestBody(required = true, content = @Content(mediaType = MERGE_PATCH, schema = @Schema(implementation = UserPatchSchema.class)))
    @APIResponse(responseCode = "200", description = "The user, patched", content = @Content(mediaType = "application/json", schema = @Schema(implementation = AdminUserResponse.class)))
    @APIResponse(responseCode = "400", description = "Not a JSON object, a null or mistyped field, bad roles", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @PATCH
    @Path("/{id}")
    @Consumes({ MERGE_PATCH, MediaType.APPLICATION_JSON })
    public AdminUserResponse update(@PathParam("id") String id, byte[] body, HttpServerRequest http) {
        UUID userId = userId(id);
        UserPatch patch = patch(body);
        return toResponse(users.update(userId, patch, clients.of(http), actingClient()));
    }

    @Operation(summary = "Delete a user", description = "Every session and access token dies at once; the username is free again; audit events keep the id (they never hold the username).")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id, HttpServerRequest http) {
        users.delete(userId(id), clients.of(http), actingClient());
        return Response.noContent().build();
    }

    @Operation(summary = "A user's active sessions", description = "As GET /auth/sessions, without `current`.")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @APIResponse(responseCode = "200", description = "Active sessions, most recently used first", content = @Content(mediaType = "application/json", schema = @Schema(implementation = SessionResponse.class, type = SchemaType.ARRAY)))
    @APIResponse(responseCode = "400", description = "A limit out of range, or a cursor that is not one of ours", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @GET
    @Path("/{id}/sessions")
    public Response sessions(@PathParam("id") String id, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, HttpServerRequest http) {
        UUID userId = userId(id);
        int size = Pages.limit(limit);
        return SessionsResource.page(users.sessions(userId, size, Pages.cursor(cursor), clients.of(http), actingClient()),
                PATH + "/" + userId + "/sessions", null, size);
    }

    @Operation(summary = "End every session of a user", description = "As the user's logout-all: every session ends and every access token issued so far is refused.")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @APIResponse(responseCode = "204", description = "Every session ended")
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @DELETE
    @Path("/{id}/sessions")
    public Response revokeSessions(@PathParam("id") String id, HttpServerRequest http) {
        users.revokeSessions(userId(id), clients.of(http), actingClient());
        return Response.noContent().build();
    }

    @Operation(summary = "Issue a password-reset token", description = "For the backend to deliver by its own channel; redeemed with POST /auth/password-reset. Single use, valid for latchkey.password-reset-ttl (15 min); a newer one voids the older ones.")
    @SecurityRequirement(name = OpenApiDefinition.ADMIN, scopes = ClientRegistry.ADMIN_SCOPE)
    @APIResponse(responseCode = "201", description = "The reset token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasswordResetTokenResponse.class)))
    @APIResponse(responseCode = "401", description = "Missing, invalid, expired or revoked access token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "403", description = "The token lacks the latchkey:admin scope (insufficient_scope)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No such user", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/{id}/password-reset")
    public Response passwordReset(@PathParam("id") String id, HttpServerRequest http) {
        PasswordResetService.IssuedReset issued = resets.issue(userId(id), clients.of(http), actingClient());
        return Response.status(Response.Status.CREATED)
                .entity(new PasswordResetTokenResponse(issued.token(), issued.expiresIn())).build();
    }

    /** The merge patch's body for OpenAPI: both fields optional, neither nullable. */
    @Schema(name = "UserPatch", description = "JSON merge patch (RFC 7396) of a user; absent fields stay as they are")
    public record UserPatchSchema(
            @Schema(description = "the user's roles, replacing the old ones ([] allowed)") List<String> roles,
            @Schema(description = "true: disabled (every session and token dies); false: enabled") Boolean disabled) {
    }

    /** The client acting through the admin API: the verified token's. */
    private String actingClient() {
        return current.claims().clientId();
    }

    /** A path id that is not a UUID names no user: 404, as an unknown one. */
    private static UUID userId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new LatchkeyException(ErrorCode.NOT_FOUND, "no such user");
        }
    }

    /**
     * Reads a JSON merge patch (RFC 7396) of {@code roles} and {@code disabled}: the body must be
     * an object; an absent field stays as it is; {@code null} (which would remove the field) is
     * 400, as is a wrong type. Unknown fields are ignored, as everywhere.
     */
    UserPatch patch(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (IOException e) {
            throw ErrorMapper.fromJson(e);
        }
        if (root == null || !root.isObject()) {
            throw LatchkeyException.invalidRequest("the body must be a JSON object (a merge patch)");
        }
        List<String> roles = null;
        if (root.has("roles")) {
            JsonNode node = root.get("roles");
            if (!node.isArray()) {
                throw LatchkeyException.invalidRequest("roles must be an array of strings");
            }
            roles = new ArrayList<>();
            for (JsonNode role : node) {
                if (!role.isTextual()) {
                    throw LatchkeyException.invalidRequest("roles must be an array of strings");
                }
                roles.add(role.asText());
            }
        }
        Boolean disabled = null;
        if (root.has("disabled")) {
            JsonNode node = root.get("disabled");
            if (!node.isBoolean()) {
                throw LatchkeyException.invalidRequest("disabled must be true or false");
            }
            disabled = node.asBoolean();
        }
        return new UserPatch(roles, disabled);
    }

    private static AdminUserResponse toResponse(UserDetails user) {
        return new AdminUserResponse(user.id().toString(), user.username(), user.roles(), user.disabled(),
                time(user.createdAt()), time(user.passwordChangedAt()), time(user.lastLoginAt()), user.activeSessions());
    }

    private static String time(Instant instant) {
        return instant == null ? null : SessionsResource.rfc3339(instant);
    }
}
