package dev.latchkey.oauth;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** The OAuth 2.0 endpoints (RFC 6749, 7009, 7662) against the test clients of application.properties. */
@QuarkusTest
class OAuth2EndpointsTest {

    static final String REPORTS = "reports";
    static final String REPORTS_SECRET = "reports-secret-for-tests-only-0123456789";
    static final String GATEWAY = "gateway";
    static final String GATEWAY_SECRET = "gateway-secret-for-tests-only-0123456789";

    @Inject
    MutableClock clock;

    @Test
    void passwordGrantForThePublicClientAnswersATokenResponse() {
        TestUser user = TestUsers.register();
        form().formParams(Map.of("grant_type", "password", "client_id", "web", "username", user.username(),
                "password", user.password()))
                .post("/oauth2/token").then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(900))
                .body("access_token", notNullValue())
                .body("refresh_token", matchesPattern("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void aBadPasswordIsInvalidGrantWith400AtTheTokenEndpoint() {
        TestUser user = TestUsers.register();
        Expect.error(form().formParams(Map.of("grant_type", "password", "client_id", "web", "username", user.username(),
                "password", "not the password"))
                .post("/oauth2/token"), 400, "invalid_grant");
    }

    @Test
    void userGrantsNeedThePublicClientId() {
        TestUser user = TestUsers.register();
        Expect.refusal(
                form().formParams(Map.of("grant_type", "password", "username", user.username(), "password", user.password()))
                        .post("/oauth2/token"),
                401, "invalid_client")
                .header("WWW-Authenticate", "Basic realm=\"latchkey\"");
        Expect.error(form()
                .formParams(Map.of("grant_type", "password", "client_id", "someone-else", "username", user.username(),
                        "password", user.password()))
                .post("/oauth2/token"), 401, "invalid_client");
    }

    @Test
    void refreshGrantFollowsTheSameRotationGraceAndReuseRulesAsAuthRefresh() {
        Session session = TestUsers.newSession(); // a session from /auth/login
        JsonPath first = refreshGrant(session.refreshToken()).then().statusCode(200).extract().jsonPath();
        JsonPath retry = refreshGrant(session.refreshToken()).then().statusCode(200).extract().jsonPath();
        assertEquals(first.getString("refresh_token"), retry.getString("refresh_token"), "grace: same successor");

        clock.advance(Duration.ofSeconds(11));
        Expect.error(refreshGrant(session.refreshToken()), 400, "invalid_grant");
        // reuse killed the family, on both APIs
        TestUsers.refresh(first.getString("refresh_token")).then().statusCode(401);
        assertEquals(401, meStatus(first.getString("access_token")));
    }

    @Test
    void clientCredentialsGivesTheClientATokenForItselfWithItsScopes() {
        Response response = basic(REPORTS, REPORTS_SECRET).formParam("grant_type", "client_credentials")
                .formParam("scope", "reports:read").post("/oauth2/token");
        response.then().statusCode(200)
                .body("token_type", equalTo("Bearer"))
                .body("scope", equalTo("reports:read"))
                .body("refresh_token", nullValue())
                .body("session_id", nullValue());
        JsonPath claims = claims(response.jsonPath().getString("access_token"));
        assertEquals(REPORTS, claims.getString("sub"));
        assertEquals(REPORTS, claims.getString("client_id"));
        assertEquals("reports:read", claims.getString("scope"));
        assertEquals(null, claims.getString("sid"));
        // it is not a user's token: the user API refuses it
        assertEquals(401, meStatus(response.jsonPath().getString("access_token")));

        basic(REPORTS, REPORTS_SECRET).formParam("grant_type", "client_credentials").post("/oauth2/token")
                .then().statusCode(200).body("scope", equalTo("reports:read reports:write"));
    }

    @Test
    void clientCredentialsRefusesBadSecretsGrantsAndScopes() {
        Expect.refusal(basic(REPORTS, "wrong-secret-wrong-secret-wrong-secret!").formParam("grant_type", "client_credentials")
                .post("/oauth2/token"), 401, "invalid_client")
                .header("WWW-Authenticate", "Basic realm=\"latchkey\"");
        Expect.error(basic("nobody", REPORTS_SECRET).formParam("grant_type", "client_credentials")
                .post("/oauth2/token"), 401, "invalid_client");
        Expect.error(basic(GATEWAY, GATEWAY_SECRET).formParam("grant_type", "client_credentials")
                .post("/oauth2/token"), 400, "unauthorized_client");
        Expect.error(basic(REPORTS, REPORTS_SECRET).formParam("grant_type", "client_credentials").formParam("scope", "admin")
                .post("/oauth2/token"), 400, "invalid_scope");
        Expect.error(form().formParams(Map.of("grant_type", "client_credentials", "client_id", "web"))
                .post("/oauth2/token"), 401, "invalid_client");
    }

    @Test
    void malformedTokenRequestsAreRefusedInTheErrorShape() {
        Expect.error(form().formParam("grant_type", "authorization_code").formParam("client_id", "web")
                .post("/oauth2/token"), 400, "unsupported_grant_type");
        Expect.error(form().formParam("client_id", "web").post("/oauth2/token"), 400, "invalid_request");
        Expect.error(form().formParam("grant_type", "password").formParam("grant_type", "client_credentials")
                .post("/oauth2/token"), 400, "invalid_request");
        Expect.error(form().formParams(Map.of("grant_type", "password", "client_id", "web"))
                .post("/oauth2/token"), 400, "invalid_request");
        Expect.error(given().contentType(ContentType.JSON).body("{\"grant_type\":\"password\"}").post("/oauth2/token"), 415,
                "invalid_request");
    }

    @Test
    void revokingARefreshTokenKillsItsFamilyAndAnAccessTokenIsDenied() {
        Session session = TestUsers.newSession();
        Session other = TestUsers.login(session.user());
        form().formParams(Map.of("client_id", "web", "token", session.refreshToken(), "token_type_hint",
                "refresh_token")).post("/oauth2/revoke")
                .then().statusCode(200);
        TestUsers.refresh(session.refreshToken()).then().statusCode(401);
        assertEquals(401, meStatus(session.accessToken()));

        form().formParams(Map.of("client_id", "web", "token", other.accessToken())).post("/oauth2/revoke")
                .then().statusCode(200);
        assertEquals(401, meStatus(other.accessToken()), "the access token is denied");
        TestUsers.refreshOk(other); // but only that token: its session lives on
    }

    @Test
    void revocationAlwaysAnswers200ForUnknownTokensButNeedsAClient() {
        form().formParams(Map.of("client_id", "web", "token", "not-a-token")).post("/oauth2/revoke")
                .then().statusCode(200);
        Expect.error(form().formParams(Map.of("token", "not-a-token")).post("/oauth2/revoke"), 401, "invalid_client");
        Expect.error(form().formParams(Map.of("client_id", "web")).post("/oauth2/revoke"), 400, "invalid_request");
    }

    @Test
    void introspectionIsRevocationAware() {
        Session session = TestUsers.newSession();
        basic(GATEWAY, GATEWAY_SECRET).formParam("token", session.accessToken()).post("/oauth2/introspect")
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("active", equalTo(true))
                .body("sub", equalTo(session.user().id()))
                .body("sid", equalTo(session.sid()))
                .body("username", equalTo(session.user().username()))
                .body("client_id", equalTo("web"))
                .body("token_type", equalTo("Bearer"))
                .body("exp", notNullValue())
                .body("iat", notNullValue());
        basic(GATEWAY, GATEWAY_SECRET).formParam("token", session.refreshToken()).post("/oauth2/introspect")
                .then().statusCode(200)
                .body("active", equalTo(true))
                .body("token_type", equalTo("refresh_token"))
                .body("sid", equalTo(session.sid()));

        given().contentType(ContentType.JSON).body(Map.of("refresh_token", session.refreshToken()))
                .post("/auth/logout").then().statusCode(204);

        for (String token : List.of(session.accessToken(), session.refreshToken(), "garbage", "a.b.c")) {
            basic(GATEWAY, GATEWAY_SECRET).formParam("token", token).post("/oauth2/introspect")
                    .then().statusCode(200).body("active", equalTo(false)).body("sub", nullValue());
        }
    }

    @Test
    void introspectionOfAClientTokenShowsTheClientAndItsScope() {
        String token = basic(REPORTS, REPORTS_SECRET).formParam("grant_type", "client_credentials")
                .post("/oauth2/token").jsonPath().getString("access_token");
        basic(GATEWAY, GATEWAY_SECRET).formParam("token", token).post("/oauth2/introspect")
                .then().statusCode(200)
                .body("active", equalTo(true))
                .body("sub", equalTo(REPORTS))
                .body("client_id", equalTo(REPORTS))
                .body("scope", equalTo("reports:read reports:write"))
                .body("sid", nullValue());
    }

    @Test
    void introspectionNeedsAConfidentialClient() {
        Session session = TestUsers.newSession();
        Expect.error(form().formParams(Map.of("client_id", "web", "token", session.accessToken())).post("/oauth2/introspect"),
                401, "invalid_client");
        Expect.error(basic(GATEWAY, "wrong-secret-wrong-secret-wrong-secret!!").formParam("token", session.accessToken())
                .post("/oauth2/introspect"), 401, "invalid_client");
    }

    @Test
    void discoveryListsExactlyWhatIsImplemented() {
        for (String path : List.of("/.well-known/openid-configuration", "/.well-known/oauth-authorization-server")) {
            given().get(path).then().statusCode(200)
                    .body("issuer", equalTo("http://localhost:8080"))
                    .body("token_endpoint", equalTo("http://localhost:8080/oauth2/token"))
                    .body("revocation_endpoint", equalTo("http://localhost:8080/oauth2/revoke"))
                    .body("introspection_endpoint", equalTo("http://localhost:8080/oauth2/introspect"))
                    .body("grant_types_supported", equalTo(List.of("password", "refresh_token", "client_credentials")))
                    .body("token_endpoint_auth_methods_supported", equalTo(List.of("client_secret_basic", "none")))
                    .body("introspection_endpoint_auth_methods_supported", equalTo(List.of("client_secret_basic")))
                    .body("response_types_supported", equalTo(List.of()));
        }
    }

    static RequestSpecification form() {
        return given().contentType(ContentType.URLENC.withCharset(StandardCharsets.UTF_8));
    }

    static RequestSpecification basic(String id, String secret) {
        return form().header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)));
    }

    static Response refreshGrant(String refreshToken) {
        return form().formParams(Map.of("grant_type", "refresh_token", "client_id", "web", "refresh_token", refreshToken))
                .post("/oauth2/token");
    }

    static JsonPath claims(String jwt) {
        return JsonPath.from(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
