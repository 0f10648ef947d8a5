package dev.latchkey.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** {@code /q/openapi} documents every endpoint of the contract, with its errors and security. */
@QuarkusTest
class OpenApiTest {

    @Test
    void everyEndpointIsDocumentedWithItsResponses() {
        JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, List<String>> endpoints = Map.ofEntries(
                Map.entry("/auth/register", List.of("post")), Map.entry("/auth/login", List.of("post")),
                Map.entry("/auth/refresh", List.of("post")), Map.entry("/auth/logout", List.of("post")),
                Map.entry("/auth/logout-all", List.of("post")), Map.entry("/auth/me", List.of("get")),
                Map.entry("/auth/sessions", List.of("get")), Map.entry("/auth/sessions/{id}", List.of("delete")),
                Map.entry("/auth/password", List.of("post")), Map.entry("/auth/audit", List.of("get")),
                Map.entry("/oauth2/token", List.of("post")), Map.entry("/oauth2/revoke", List.of("post")),
                Map.entry("/oauth2/introspect", List.of("post")), Map.entry("/.well-known/jwks.json", List.of("get")),
                Map.entry("/.well-known/openid-configuration", List.of("get")),
                Map.entry("/.well-known/oauth-authorization-server", List.of("get")),
                Map.entry("/auth/password-reset", List.of("post")),
                Map.entry("/admin/users", List.of("get", "post")),
                Map.entry("/admin/users/{id}", List.of("get", "patch", "delete")),
                Map.entry("/admin/users/{id}/sessions", List.of("get", "delete")),
                Map.entry("/admin/users/{id}/password-reset", List.of("post")));
        for (Map.Entry<String, List<String>> endpoint : endpoints.entrySet()) {
            for (String method : endpoint.getValue()) {
                String path = "paths.'" + endpoint.getKey() + "'." + method;
                assertNotNull(doc.get(path + ".summary"), "no summary for " + method + " " + endpoint.getKey());
                Map<String, Object> responses = doc.getMap(path + ".responses");
                assertTrue(responses != null && !responses.isEmpty(), "no responses for " + endpoint.getKey());
            }
        }
        assertEquals("bearer", doc.getString("components.securitySchemes.bearer.scheme"));
        assertEquals("basic", doc.getString("components.securitySchemes.client.scheme"));
        assertNotNull(doc.get("paths.'/auth/login'.post.responses.'401'"));
        assertNotNull(doc.get("paths.'/auth/me'.get.security"));
        assertNotNull(doc.get("components.schemas.ErrorResponse"));
    }

    @Test
    void theAdminEndpointsNameTheirSecuritySchemeAndScope() {
        JsonPath doc = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        assertEquals("oauth2", doc.getString("components.securitySchemes.admin.type"));
        assertEquals("/oauth2/token", doc.getString("components.securitySchemes.admin.flows.clientCredentials.tokenUrl"));
        assertNotNull(doc.get("components.securitySchemes.admin.flows.clientCredentials.scopes.'latchkey:admin'"));
        for (String path : List.of("paths.'/admin/users'.get", "paths.'/admin/users'.post", "paths.'/admin/users/{id}'.get",
                "paths.'/admin/users/{id}'.patch", "paths.'/admin/users/{id}'.delete",
                "paths.'/admin/users/{id}/sessions'.get", "paths.'/admin/users/{id}/sessions'.delete",
                "paths.'/admin/users/{id}/password-reset'.post")) {
            assertEquals(List.of("latchkey:admin"), doc.getList(path + ".security[0].admin"), path);
            assertNotNull(doc.get(path + ".responses.'403'"), path + " documents insufficient_scope");
            assertEquals(List.of("admin"), doc.getList(path + ".tags"), path);
        }
        assertNotNull(doc.get("paths.'/admin/users/{id}'.patch.requestBody.content.'application/merge-patch+json'"));
    }
}
