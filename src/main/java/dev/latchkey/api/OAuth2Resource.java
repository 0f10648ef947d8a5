package dev.latchkey.api;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.api.Responses.TokenResponse;
import dev.latchkey.api.TokenResponses.Transport;
import dev.latchkey.audit.ClientInfo;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import dev.latchkey.oauth.OAuth2Service;
import dev.latchkey.oauth.OAuth2Service.Caller;
import dev.latchkey.session.SessionService;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code /oauth2/*} for standard client libraries and resource servers: the token endpoint (RFC
 * 6749), revocation (RFC 7009) and introspection (RFC 7662). Form-encoded requests, JSON answers,
 * the contract's error shape, with {@code invalid_grant} as 400 here as RFC 6749 §5.2 asks.
 */
@Path("/oauth2")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@Tag(name = "oauth2")
public class OAuth2Resource {

    private final OAuth2Service oauth;
    private final TokenResponses tokens;
    private final ClientInfos clients;

    public OAuth2Resource(OAuth2Service oauth, TokenResponses tokens, ClientInfos clients) {
        this.oauth = oauth;
        this.tokens = tokens;
        this.clients = clients;
    }

    @Operation(summary = "OAuth 2.0 token endpoint (RFC 6749)", description = "grant_type=password or refresh_token for the public client (client_id form field, or HTTP Basic with its id and an empty password); grant_type=client_credentials with HTTP Basic.")
    @SecurityRequirement(name = OpenApiDefinition.CLIENT)
    @APIResponse(responseCode = "200", description = "Token response", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Responses.TokenResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_client (WWW-Authenticate: Basic)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "429", description = "Too many failures; see Retry-After", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/token")
    public Response token(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            HttpServerRequest http) {
        ClientInfo from = clients.of(http);
        String grantType = single(form, "grant_type");
        if (grantType == null) {
            throw LatchkeyException.invalidRequest("grant_type is required");
        }
        try {
            switch (grantType) {
                case "password" -> {
                    Caller caller = oauth.authenticate(authorization, single(form, "client_id"), true, from);
                    return tokens.forSession(oauth.passwordGrant(caller, single(form, "username"),
                            single(form, "password"), from), Transport.BODY);
                }
                case "refresh_token" -> {
                    Caller caller = oauth.authenticate(authorization, single(form, "client_id"), true, from);
                    SessionService.Rotation rotation = oauth.refreshGrant(caller, single(form, "refresh_token"), from);
                    if (!rotation.succeeded()) {
                        throw LatchkeyException.invalidGrant();
                    }
                    return tokens.forSession(rotation.grant(), Transport.BODY);
                }
                case "client_credentials" -> {
                    Caller caller = oauth.authenticate(authorization, single(form, "client_id"), false, from);
                    return tokens.forClient(oauth.clientCredentials(caller, single(form, "scope")));
                }
                default -> throw new LatchkeyException(ErrorCode.UNSUPPORTED_GRANT_TYPE,
                        "supported grant types: password, refresh_token, client_credentials");
            }
        } catch (LatchkeyException e) {
            // RFC 6749 §5.2: a bad grant is 400 at the token endpoint (401 stays for invalid_client)
            throw e.code() == ErrorCode.INVALID_GRANT ? e.withStatus(400) : e;
        }
    }

    @Operation(summary = "Token revocation (RFC 7009)", description = "A refresh token revokes its family; an access token is denied until it expires. A client revokes only tokens issued to it. 200 also for unknown, expired or revoked tokens.")
    @SecurityRequirement(name = OpenApiDefinition.CLIENT)
    @APIResponse(responseCode = "200", description = "Revoked, or nothing to revoke")
    @APIResponse(responseCode = "400", description = "No token (invalid_request), or a valid token issued to another client (unauthorized_client; nothing is revoked)", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_client", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/revoke")
    public Response revoke(MultivaluedMap<String, String> form, @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            HttpServerRequest http) {
        ClientInfo from = clients.of(http);
        Caller caller = oauth.authenticate(authorization, single(form, "client_id"), true, from);
        oauth.revoke(caller, single(form, "token"), from);
        return Response.ok().header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @Operation(summary = "Token introspection (RFC 7662)", description = "Revocation-aware; confidential clients only.")
    @SecurityRequirement(name = OpenApiDefinition.CLIENT)
    @APIResponse(responseCode = "200", description = "{active: false} or the token's claims")
    @APIResponse(responseCode = "400", description = "No token", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "401", description = "invalid_client", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @APIResponse(responseCode = "503", description = "PostgreSQL or Redis unreachable; nothing was changed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorResponse.class)))
    @POST
    @Path("/introspect")
    public Response introspect(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, HttpServerRequest http) {
        ClientInfo from = clients.of(http);
        Caller caller = oauth.authenticate(authorization, single(form, "client_id"), false, from);
        Map<String, Object> answer = oauth.introspect(caller, single(form, "token"));
        return TokenResponses.noStore(Response.ok(answer)).build();
    }

    /** RFC 6749 §3.2: a parameter sent more than once is an invalid request. */
    private static String single(MultivaluedMap<String, String> form, String name) {
        List<String> values = form == null ? null : form.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw LatchkeyException.invalidRequest(name + " must not be repeated");
        }
        String value = values.get(0);
        return Fields.check(name, value, Fields.TOKEN);
    }
}
