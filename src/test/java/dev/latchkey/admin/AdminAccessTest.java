package dev.latchkey.admin;

import static dev.latchkey.testsupport.AdminApi.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Who may call {@code /admin/*} (API.md "Admin API"): only a confidential client's own token with
 * the {@code latchkey:admin} scope, valid and unrevoked. Every other caller is refused at every
 * endpoint, and nothing happens.
 */
@QuarkusTest
class AdminAccessTest {

    static final String REPORTS = "reports";
    static final String REPORTS_SECRET = "reports-secret-for-tests-only-0123456789";

    /** One call of each admin endpoint, on {@code userId}, with the request given. */
    static List<Function<RequestSpecification, Response>> everyEndpoint(String userId) {
        String user = "/admin/users/" + userId;
        return List.of(
                r -> r.contentType(ContentType.JSON).body(Map.of("username", TestUsers.uniqueName("nope")))
                        .post("/admin/users"),
                r -> r.get("/admin/users"),
                r -> r.get(user),
                r -> r.contentType("application/merge-patch+json").body("{\"disabled\":true,\"roles\":[]}").patch(user),
                r -> r.delete(user),
                r -> r.get(user + "/sessions"),
                r -> r.delete(user + "/sessions"),
                r -> r.post(user + "/password-reset"));
    }

    @Test
    void everyAdminEndpointWantsABearerToken() {
        Session victim = TestUsers.newSession();
        for (Function<RequestSpecification, Response> call : everyEndpoint(victim.user().id())) {
            Expect.missingToken(call.apply(given()));
            Expect.invalidToken(call.apply(as("not-a-token")));
        }
        nothingHappenedTo(victim);
    }

    @Test
    void aUsersTokenNeverPassesEvenWithTheAdminRoles() {
        TestUser powerful = AdminApi.createUser(List.of("admin", "latchkey:admin"));
        Session session = TestUsers.login(powerful);
        JsonPath claims = TestUsers.claims(session.accessToken());
        assertTrue(claims.getList("groups").contains("latchkey:admin"), "the roles are in groups");
        assertNull(claims.get("scope"), "a user's token has no scope at all");

        Session victim = TestUsers.newSession();
        for (Function<RequestSpecification, Response> call : everyEndpoint(victim.user().id())) {
            insufficientScope(call.apply(as(session.accessToken())));
        }
        nothingHappenedTo(victim);
        assertEquals(200, TestUsers.meStatus(session.accessToken()), "refused, not revoked");
    }

    @Test
    void aClientTokenWithoutTheAdminScopeIsRefused() {
        Session victim = TestUsers.newSession();
        String reports = AdminApi.clientToken(REPORTS, REPORTS_SECRET, null);
        String backofficeWithoutAdmin = AdminApi.clientToken(AdminApi.CLIENT, AdminApi.SECRET, "reports:read");
        assertFalse(TestUsers.claims(backofficeWithoutAdmin).getString("scope").contains("latchkey:admin"));
        for (Function<RequestSpecification, Response> call : everyEndpoint(victim.user().id())) {
            insufficientScope(call.apply(as(reports)));
            insufficientScope(call.apply(as(backofficeWithoutAdmin)));
        }
        nothingHappenedTo(victim);
    }

    @Test
    void onlyAClientConfiguredWithTheScopeGetsIt() {
        Expect.error(given().contentType(ContentType.URLENC).header("Authorization", AdminApi.basic(REPORTS, REPORTS_SECRET))
                .formParams(Map.of("grant_type", "client_credentials", "scope", AdminApi.SCOPE)).post("/oauth2/token"), 400,
                "invalid_scope");
        Expect.error(given().contentType(ContentType.URLENC)
                .header("Authorization", AdminApi.basic(AdminApi.CLIENT, "wrong-secret-wrong-secret-wrong-secret!"))
                .formParams(Map.of("grant_type", "client_credentials", "scope", AdminApi.SCOPE)).post("/oauth2/token"), 401,
                "invalid_client");
        JsonPath claims = TestUsers.claims(AdminApi.token());
        assertEquals(AdminApi.CLIENT, claims.getString("sub"));
        assertEquals(AdminApi.CLIENT, claims.getString("client_id"));
        assertEquals(AdminApi.SCOPE, claims.getString("scope"));
        assertNull(claims.get("sid"));
        assertNull(claims.get("groups"));
    }

    @Test
    void anAdminTokenRevokedByItsClientIsRefusedAtOnce() {
        String token = AdminApi.token();
        as(token).get("/admin/users").then().statusCode(200);
        given().contentType(ContentType.URLENC).header("Authorization", AdminApi.basic(AdminApi.CLIENT, AdminApi.SECRET))
                .formParam("token", token).post("/oauth2/revoke").then().statusCode(200);
        Session victim = TestUsers.newSession();
        for (Function<RequestSpecification, Response> call : everyEndpoint(victim.user().id())) {
            Expect.invalidToken(call.apply(as(token)));
        }
        nothingHappenedTo(victim);
        AdminApi.admin().get("/admin/users").then().statusCode(200); // a new token works
    }

    @Test
    void adminAnswersAreNeverCached() {
        AdminApi.admin().get("/admin/users").then().statusCode(200).header("Cache-Control", "no-store");
        TestUser user = AdminApi.createUser(null);
        AdminApi.admin().post("/admin/users/" + user.id() + "/password-reset").then().statusCode(201)
                .header("Cache-Control", "no-store");
    }

    private static void insufficientScope(Response response) {
        Expect.refusal(response, 403, "insufficient_scope")
                .header("WWW-Authenticate", equalTo("Bearer error=\"insufficient_scope\""));
    }

    /** The refused calls changed nothing: the user exists, is enabled, keeps its roles, and its session lives. */
    private static void nothingHappenedTo(Session victim) {
        AdminApi.read(victim.user().id()).then().statusCode(200)
                .body("disabled", equalTo(false))
                .body("roles", equalTo(List.of("user")))
                .body("active_sessions", equalTo(1));
        assertEquals(200, TestUsers.meStatus(victim.accessToken()));
        TestUsers.refreshOk(victim);
    }
}
