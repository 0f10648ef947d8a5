package dev.latchkey.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.latchkey.oauth.OAuth2Service;
import dev.latchkey.token.AccessTokenVerifier;
import io.smallrye.mutiny.Uni;

/**
 * Verifies the bearer token of every {@link AdminAuth} endpoint: signature, claims and revocation
 * state as for any bearer token (401 {@code invalid_token} when missing, bad or revoked), then the
 * admin scope (403 {@code insufficient_scope}: a user's token, or a client's without the scope).
 */
public class AdminAuthFilter {

    private final AccessTokenVerifier verifier;
    private final OAuth2Service oauth;
    private final CurrentToken current;

    public AdminAuthFilter(AccessTokenVerifier verifier, OAuth2Service oauth, CurrentToken current) {
        this.verifier = verifier;
        this.oauth = oauth;
        this.current = current;
    }

    @AdminAuth
    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        return BearerAuthFilter.authenticate(request, verifier, false, oauth::requireAdmin, current);
    }
}
