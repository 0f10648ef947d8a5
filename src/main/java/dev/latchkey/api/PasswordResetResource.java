package dev.latchkey.api;

import jakarta.ws.rs.Consumes;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.account.PasswordResetService;
import dev.latchkey.api.Requests.PasswordResetRequest;
import dev.latchkey.api.Requests.PasswordResetRequestRequest;
import io.vertx.core.http.HttpServerRequest;

/** {@code POST /auth/password-reset}: a new password with a reset token the admin API issued. */
@Path("/auth/password-reset")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "auth")
public class PasswordResetResource {

    private final PasswordResetService resets;
    private final ClientInfos clients;

    public PasswordResetResource(PasswordResetService resets, ClientInfos clients) {
        this.resets = resets;
        this.clients = clients;
    }

    @Operation(summary = "Set a new password with a reset token", description = "The token comes from POST /admin/users/{id}/password-reset, through the application's own channel. Single use; every session and access token of the user is revoked.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasswordResetRequest.class)))
    @APIResponse(responseCode = "204", description = "The password is set; every session of the user ended")
    @APIResponse(responseCode = "400", description = "An unknown, expired, used or voided token (invalid_grant), or a weak or common password (invalid_request)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many failures from this address; see Retry-After", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response reset(PasswordResetRequest body, HttpServerRequest http) {
        PasswordResetRequest request = AuthResource.required(body);
        resets.reset(request.resetToken(), request.newPassword(), clients.of(http));
        return Response.noContent().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @Operation(summary = "Ask for a reset token by username", description = "For an existing, enabled user a reset token is issued and delivered to the application's webhook receiver as user.password_reset_requested, for the application to send. The answer is the same, in the same time, whether or not the user exists. Only with a webhook configured.")
    @RequestBody(required = true, content = @Content(mediaType = "application/json", schema = @Schema(implementation = PasswordResetRequestRequest.class)))
    @APIResponse(responseCode = "202", description = "Accepted, whether or not the user exists")
    @APIResponse(responseCode = "400", description = "No username (invalid_request)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "404", description = "No webhook is configured (not_found)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many requests from this address; see Retry-After", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "Redis unreachable, or too many requests waiting", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/request")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response request(PasswordResetRequestRequest body, HttpServerRequest http) {
        PasswordResetRequestRequest request = AuthResource.required(body);
        resets.request(request.username(), clients.of(http));
        return Response.accepted().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }
}
