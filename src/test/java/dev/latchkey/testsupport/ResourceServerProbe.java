package dev.latchkey.testsupport;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A stand-in for a resource server (tests only): protected by Quarkus' own smallrye-jwt
 * mechanism, not by Latchkey's verifier, so a test can show that a plain Quarkus service
 * configured with nothing but Latchkey's JWKS URL accepts Latchkey tokens.
 */
@Path("/test/resource-server")
public class ResourceServerProbe {

    @Inject
    JsonWebToken jwt;

    @GET
    @RolesAllowed("user")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> whoami() {
        return Map.of("name", jwt.getName(), "subject", jwt.getSubject(), "groups", jwt.getGroups(),
                "sid", jwt.getClaim("sid").toString());
    }
}
