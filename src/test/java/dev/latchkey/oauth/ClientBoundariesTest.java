package dev.latchkey.oauth;

import static dev.latchkey.oauth.OAuth2EndpointsTest.GATEWAY;
import static dev.latchkey.oauth.OAuth2EndpointsTest.GATEWAY_SECRET;
import static dev.latchkey.oauth.OAuth2EndpointsTest.REPORTS;
import static dev.latchkey.oauth.OAuth2EndpointsTest.REPORTS_SECRET;
import static dev.latchkey.oauth.OAuth2EndpointsTest.basic;
import static dev.latchkey.oauth.OAuth2EndpointsTest.form;
import static dev.latchkey.testsupport.TestUsers.meStatus;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Who may act on what at the OAuth 2.0 endpoints (API.md "OAuth 2.0 endpoints"): the public client
 * over HTTP Basic with an empty password, and RFC 7009 §2.1's rule that a client revokes only the
 * tokens issued to it.
 */
@QuarkusTest
class ClientBoundariesTest {

    @Inject
    RedisDataSource redis;

    /** Failed client authentications of earlier runs must not turn this run's 401s into 429s. */
    @BeforeEach
    void clearThrottleCounters() {
        var keys = redis.key().keys("lk:throttle:*");
        if (!keys.isEmpty()) {
            redis.key().del(keys.toArray(String[]::new));
        }
    }

    @Test
    void thePublicClientMayAuthenticateWithBasicAndAnEmptyPassword() {
        TestUser user = TestUsers.register();
        JsonPath login = basic("web", "").formParams(Map.of("grant_type", "password", "username", user.username(),
                "password", user.password())).post("/oauth2/token")
                .then().statusCode(200).extract().jsonPath();
        JsonPath rotated = basic("web", "").formParams(Map.of("grant_type", "refresh_token", "refresh_token",
                login.getString("refresh_token"))).post("/oauth2/token")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(200, meStatus(rotated.getString("access_token")));

        basic("web", "").formParam("token", rotated.getString("refresh_token")).post("/oauth2/revoke")
                .then().statusCode(200);
        TestUsers.refresh(rotated.getString("refresh_token")).then().statusCode(401);
        assertEquals(401, meStatus(rotated.getString("access_token")), "the family's access tokens die with it");
    }

    @Test
    void aSecretSentForThePublicClientIsRefusedAndChangesNothing() {
        Session session = TestUsers.newSession();
        Expect.refusal(basic("web", "any-secret").formParams(Map.of("grant_type", "password", "username",
                session.user().username(), "password", session.user().password())).post("/oauth2/token"), 401, "invalid_client")
                .header("WWW-Authenticate", "Basic realm=\"latchkey\"");
        Expect.error(basic("web", "any-secret").formParam("token", session.refreshToken()).post("/oauth2/revoke"), 401,
                "invalid_client");
        TestUsers.refreshOk(session); // not revoked
    }

    @Test
    void thePublicClientOverBasicMayNeitherIntrospectNorUseClientCredentials() {
        Session session = TestUsers.newSession();
        Expect.error(basic("web", "").formParam("token", session.accessToken()).post("/oauth2/introspect"), 401,
                "invalid_client");
        Expect.error(basic("web", "").formParam("grant_type", "client_credentials").post("/oauth2/token"), 401,
                "invalid_client");
    }

    @Test
    void basicCredentialsAndTheClientIdFieldMustNameTheSameClient() {
        TestUser user = TestUsers.register();
        Expect.error(basic("web", "").formParams(Map.of("grant_type", "password", "client_id", REPORTS, "username",
                user.username(), "password", user.password())).post("/oauth2/token"), 401, "invalid_client");
    }

    @Test
    void thePublicClientCannotRevokeAConfidentialClientsToken() {
        String token = clientToken();
        Expect.error(form().formParams(Map.of("client_id", "web", "token", token)).post("/oauth2/revoke"), 400,
                "unauthorized_client");
        Expect.error(basic("web", "").formParam("token", token).post("/oauth2/revoke"), 400, "unauthorized_client");
        assertActive(token, true);
    }

    @Test
    void aConfidentialClientCannotRevokeAUsersTokens() {
        Session session = TestUsers.newSession();
        Expect.error(basic(GATEWAY, GATEWAY_SECRET).formParam("token", session.accessToken()).post("/oauth2/revoke"), 400,
                "unauthorized_client");
        Expect.error(basic(REPORTS, REPORTS_SECRET).formParam("token", session.refreshToken()).post("/oauth2/revoke"), 400,
                "unauthorized_client");
        assertEquals(200, meStatus(session.accessToken()), "the access token was not revoked");
        TestUsers.refreshOk(session); // nor the session
    }

    @Test
    void aConfidentialClientRevokesOnlyItsOwnClientCredentialsTokens() {
        String token = clientToken();
        Expect.error(basic(GATEWAY, GATEWAY_SECRET).formParam("token", token).post("/oauth2/revoke"), 400,
                "unauthorized_client");
        assertActive(token, true);
        basic(REPORTS, REPORTS_SECRET).formParam("token", token).post("/oauth2/revoke").then().statusCode(200);
        assertActive(token, false);
    }

    @Test
    void unknownTokensAnswer200WhoeverAsks() {
        basic(GATEWAY, GATEWAY_SECRET).formParam("token", "not-a-token").post("/oauth2/revoke").then().statusCode(200);
        basic(GATEWAY, GATEWAY_SECRET).formParam("token", OpaqueTokens.generate()).post("/oauth2/revoke")
                .then().statusCode(200);
        basic("web", "").formParam("token", OpaqueTokens.generate()).post("/oauth2/revoke").then().statusCode(200);
    }

    private static String clientToken() {
        return basic(REPORTS, REPORTS_SECRET).formParam("grant_type", "client_credentials").post("/oauth2/token")
                .then().statusCode(200).extract().jsonPath().getString("access_token");
    }

    private static void assertActive(String token, boolean active) {
        basic(GATEWAY, GATEWAY_SECRET).formParam("token", token).post("/oauth2/introspect")
                .then().statusCode(200).body("active", equalTo(active));
    }
}
