package dev.latchkey.api;

import java.util.ArrayList;
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
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;

import dev.latchkey.token.SigningKeys;
import io.smallrye.common.annotation.NonBlocking;

/**
 * {@code GET /.well-known/jwks.json}: the public half of every key that may still verify a live
 * token. Built once at start (keys only change with a restart) and cacheable for five minutes,
 * which is shorter than the overlap a key rotation leaves.
 */
@Path("/.well-known/jwks.json")
@Tag(name = "discovery")
public class JwksResource {

    static final String CACHE_CONTROL = "public, max-age=300";

    private final Map<String, Object> jwks;

    public JwksResource(SigningKeys keys) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SigningKeys.VerificationKey key : keys.all()) {
            Map<String, Object> params = new LinkedHashMap<>(
                    new RsaJsonWebKey(key.publicKey()).toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            params.put("kid", key.kid());
            params.put("alg", "RS256");
            params.put("use", "sig");
            entries.add(params);
        }
        this.jwks = Map.of("keys", List.copyOf(entries));
    }

    @GET
    @NonBlocking
    @Operation(summary = "The JSON Web Key Set", description = "Every public key that may still verify a live token.")
    @APIResponse(responseCode = "200", description = "JWK Set (kty, n, e, kid, alg, use)")
    @Produces(MediaType.APPLICATION_JSON)
    public Response jwks() {
        return Response.ok(jwks).header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL).build();
    }
}
