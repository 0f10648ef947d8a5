package dev.latchkey.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.oauth.ClientRegistry;
import io.smallrye.common.annotation.NonBlocking;

/**
 * Discovery documents (OpenID Connect Discovery 1.0 and RFC 8414): where the keys and the OAuth
 * endpoints are, and exactly what they support.
 */
@Path("/.well-known")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "discovery")
public class DiscoveryResource {

    private final Map<String, Object> metadata;

    public DiscoveryResource(LatchkeyConfig config, ClientRegistry clients) {
        String issuer = config.issuer();
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("jwks_uri", base + "/.well-known/jwks.json");
        m.put("token_endpoint", base + "/oauth2/token");
        m.put("revocation_endpoint", base + "/oauth2/revoke");
        m.put("introspection_endpoint", base + "/oauth2/introspect");
        m.put("grant_types_supported", List.of("password", "refresh_token", "client_credentials"));
        // no authorization endpoint: no response type is supported (the field is required, so it is empty)
        m.put("response_types_supported", List.of());
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "none"));
        m.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "none"));
        m.put("introspection_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        m.put("scopes_supported", List.copyOf(clients.allScopes()));
        m.put("subject_types_supported", List.of("public"));
        // no ID tokens are issued; access tokens are RS256 (listed because OpenID clients require the field)
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("claims_supported", List.of("iss", "aud", "sub", "client_id", "upn", "preferred_username", "groups", "sid", "jti",
                "iat", "exp", "scope"));
        this.metadata = Collections.unmodifiableMap(m);
    }

    @Operation(summary = "OpenID Connect discovery document")
    @APIResponse(responseCode = "200", description = "Metadata")
    @GET
    @Path("/openid-configuration")
    @NonBlocking
    public Response openidConfiguration() {
        return Response.ok(metadata).header(HttpHeaders.CACHE_CONTROL, "public, max-age=300").build();
    }

    @Operation(summary = "OAuth 2.0 authorization server metadata (RFC 8414)")
    @APIResponse(responseCode = "200", description = "Metadata")
    /** RFC 8414: the same metadata for OAuth 2.0 clients. */
    @GET
    @Path("/oauth-authorization-server")
    @NonBlocking
    public Response authorizationServerMetadata() {
        return openidConfiguration();
    }
}
