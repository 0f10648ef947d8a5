package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** What each kind of logout kills, checked on /auth/me and /auth/refresh. */
@QuarkusTest
class LogoutTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RedisDataSource redis;

    @Test
    void logoutKillsTheFamilyAndItsAccessTokensOnly() {
        Session session = TestUsers.newSession();
        Session rotated = refreshOk(session);
        Session other = TestUsers.login(session.user());

        logout(rotated.refreshToken()).then().statusCode(204);

        Expect.error(refresh(rotated.refreshToken()), 401, "invalid_grant");
        assertEquals(401, meStatus(rotated.accessToken()));
        assertEquals(401, meStatus(session.accessToken()), "every access token of the family");
        assertEquals(200, meStatus(other.accessToken()), "the user's other session is untouched");
        refreshOk(other);
        assertEquals("logout", new Db(dataSource).single("SELECT revoke_reason FROM refresh_families WHERE id = ?",
                UUID.fromString(session.sid())));
    }

    @Test
    void logoutIsIdempotentAndSaysNothingAboutUnknownTokens() {
        Session session = TestUsers.newSession();
        logout(session.refreshToken()).then().statusCode(204);
        logout(session.refreshToken()).then().statusCode(204);
        logout(OpaqueTokens.generate()).then().statusCode(204);
        logout("garbage").then().statusCode(204);
        Expect.error(given().contentType(ContentType.JSON).body("{}").post("/auth/logout"), 400, "invalid_request");
    }

    @Test
    void logoutWithABearerTokenAlsoDeniesThatToken() {
        Session first = TestUsers.newSession();
        Session second = TestUsers.login(first.user());

        logout(first.refreshToken(), second.bearer()).then().statusCode(204);

        assertEquals(401, meStatus(second.accessToken()), "the presented access token is denied by jti");
        Session secondRefreshed = refreshOk(second);
        assertEquals(200, meStatus(secondRefreshed.accessToken()), "but its session lives on");
        long ttl = redis.key().ttl("lk:{u:" + first.user().id() + "}:jti:" + jti(second.accessToken()));
        assertTrue(ttl > 0 && ttl <= 930, "jti denial lasts until the token expires: " + ttl);
        assertEquals(1, new Db(dataSource).count("SELECT count(*) FROM denied_access_tokens WHERE jti = ?",
                UUID.fromString(jti(second.accessToken()))), "and PostgreSQL records it");
    }

    @Test
    void aBadBearerTokenDoesNotStopALogout() {
        Session session = TestUsers.newSession();
        logout(session.refreshToken(), "Bearer not.a.token").then().statusCode(204);
        refresh(session.refreshToken()).then().statusCode(401);
    }

    @Test
    void logoutAllKillsEverySessionAndAccessTokenOfTheUserButALoginRightAfterWorks() {
        Session first = TestUsers.newSession();
        Session second = TestUsers.login(first.user());
        Session bystander = TestUsers.newSession();

        given().header("Authorization", first.bearer()).post("/auth/logout-all").then().statusCode(204);

        assertEquals(401, meStatus(first.accessToken()));
        assertEquals(401, meStatus(second.accessToken()));
        refresh(first.refreshToken()).then().statusCode(401);
        refresh(second.refreshToken()).then().statusCode(401);
        assertEquals(200, meStatus(bystander.accessToken()));

        Session again = TestUsers.login(first.user());
        assertEquals(200, meStatus(again.accessToken()), "a login right after logout-all works");
        refreshOk(again);

        // the user's token version went up by one, recorded in PostgreSQL and cached in Redis
        assertEquals(1L, new Db(dataSource).single("SELECT token_version FROM users WHERE id = ?",
                UUID.fromString(first.user().id())));
        String cached = redis.value(String.class).get("lk:{u:" + first.user().id() + "}:tv");
        assertTrue(cached.startsWith("1:"), "cached version: " + cached);
        long ttl = redis.key().ttl("lk:{u:" + first.user().id() + "}:tv");
        assertTrue(ttl > 0 && ttl <= 930, "the version key lives as long as the longest access token: " + ttl);
    }

    @Test
    void logoutAllNeedsAValidBearerToken() {
        given().post("/auth/logout-all").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        Expect.error(given()
                .header("Authorization",
                        "Bearer " + TestKeys.sign(TestKeys.otherPrivateKey(), TestKeys.validClaimsOfNobody(), Map.of()))
                .post("/auth/logout-all"), 401, "invalid_token");
    }

    static io.restassured.response.Response logout(String refreshToken) {
        return logout(refreshToken, null);
    }

    static io.restassured.response.Response logout(String refreshToken, String authorization) {
        RequestSpecification request = given().contentType(ContentType.JSON).body(Map.of("refresh_token", refreshToken));
        if (authorization != null) {
            request = request.header("Authorization", authorization);
        }
        return request.post("/auth/logout");
    }

    static String jti(String accessToken) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]),
                java.nio.charset.StandardCharsets.UTF_8);
        return io.restassured.path.json.JsonPath.from(payload).getString("jti");
    }
}
