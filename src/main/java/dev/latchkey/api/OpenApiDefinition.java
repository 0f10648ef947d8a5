package dev.latchkey.api;

import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeIn;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.security.OAuthFlow;
import org.eclipse.microprofile.openapi.annotations.security.OAuthFlows;
import org.eclipse.microprofile.openapi.annotations.security.OAuthScope;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.latchkey.oauth.ClientRegistry;

/** The OpenAPI document's header ({@code /q/openapi}): what Latchkey is and how callers authenticate. */
@OpenAPIDefinition(info = @Info(title = "Latchkey", version = "1", description = "Login, RS256 access tokens, rotating refresh "
        + "tokens with reuse detection, and logout-driven revocation. Every error body is "
        + "{\"error\": \"<OAuth 2.0 code>\", \"error_description\": \"...\"}.", license = @License(name = "Proprietary")), tags = {
                @Tag(name = "auth", description = "The JSON API for SPAs and mobile backends"),
                @Tag(name = "sessions", description = "A user's sessions (refresh-token families) and audit trail"),
                @Tag(name = "oauth2", description = "OAuth 2.0 endpoints for standard client libraries and resource servers"),
                @Tag(name = "admin", description = "Managing users from an application's trusted backend: a confidential client's token with the latchkey:admin scope; never from a browser"),
                @Tag(name = "discovery", description = "Keys and metadata") }, components = @Components(securitySchemes = {
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT (RS256, typ at+jwt)"),
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.CLIENT, type = SecuritySchemeType.HTTP, scheme = "basic", description = "A confidential client's id and secret (RFC 6749 §2.3.1)"),
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.ADMIN, type = SecuritySchemeType.OAUTH2, description = "A confidential client configured with the latchkey:admin scope gets a bearer token for itself (client_credentials, HTTP Basic); user tokens never carry the scope", flows = @OAuthFlows(clientCredentials = @OAuthFlow(tokenUrl = "/oauth2/token", scopes = @OAuthScope(name = ClientRegistry.ADMIN_SCOPE, description = "The admin API")))),
                        @SecurityScheme(securitySchemeName = OpenApiDefinition.REFRESH_COOKIE, type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.COOKIE, apiKeyName = RefreshCookie.NAME, description = "Cookie mode: the HttpOnly refresh cookie") }))
public class OpenApiDefinition extends Application {

    public static final String BEARER = "bearer";
    public static final String CLIENT = "client";
    public static final String REFRESH_COOKIE = "refreshCookie";
    public static final String ADMIN = "admin";
}
