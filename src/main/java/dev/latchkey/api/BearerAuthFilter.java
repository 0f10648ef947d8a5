package dev.latchkey.api;

import java.util.function.Consumer;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.latchkey.error.LatchkeyException;
import dev.latchkey.token.AccessTokenClaims;
import dev.latchkey.token.AccessTokenVerifier;
import io.smallrye.mutiny.Uni;

/**
 * Verifies the bearer token of every {@link BearerAuth} endpoint: signature and claims on the
 * calling thread, then the revocation state in one Redis round trip. Only user-session tokens
 * pass; a client's own token is refused here.
 */
public class BearerAuthFilter {

    private final AccessTokenVerifier verifier;
    private final CurrentToken current;

    public BearerAuthFilter(AccessTokenVerifier verifier, CurrentToken current) {
        this.verifier = verifier;
        this.current = current;
    }

    @BearerAuth
    @ServerRequestFilter
    public Uni<Response> authenticate(ContainerRequestContext request) {
        return authenticate(request, verifier, true, claims -> {
        }, current);
    }

    /**
     * The one bearer check of every filter: the header's token verified ({@code userTokensOnly}:
     * refuse client tokens), then {@code check} (which throws to refuse), then the claims made
     * current; a refusal is answered in the error shape, and {@code null} lets the request through.
     */
    static Uni<Response> authenticate(ContainerRequestContext request, AccessTokenVerifier verifier,
            boolean userTokensOnly, Consumer<AccessTokenClaims> check, CurrentToken current) {
        String token;
        try {
            token = bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        } catch (LatchkeyException e) {
            return Uni.createFrom().item(ErrorMapper.toResponse(e));
        }
        return verifier.verify(token, userTokensOnly)
                .map(claims -> {
                    check.accept(claims);
                    current.set(claims);
                    return (Response) null;
                })
                .onFailure(LatchkeyException.class)
                .recoverWithItem(e -> ErrorMapper.toResponse((LatchkeyException) e));
    }

    /** The token of an {@code Authorization: Bearer} header (RFC 6750 §2.1). */
    public static String bearerToken(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw LatchkeyException.missingToken();
        }
        int space = authorization.indexOf(' ');
        if (space < 0 || !authorization.substring(0, space).equalsIgnoreCase("Bearer")) {
            throw LatchkeyException.missingToken();
        }
        String token = authorization.substring(space + 1).trim();
        if (token.isEmpty()) {
            throw LatchkeyException.missingToken();
        }
        return token;
    }
}
