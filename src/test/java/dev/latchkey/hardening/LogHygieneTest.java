package dev.latchkey.hardening;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestKeys;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import dev.latchkey.testsupport.WebhookReceiver;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Runs every flow with DEBUG logging everywhere, the HTTP access log and Hibernate's SQL log on,
 * then searches the captured log for every secret the flows handled: passwords, access tokens,
 * refresh tokens, their hashes and the argon2id hashes. None may appear.
 */
@QuarkusTest
@TestProfile(LogHygieneTest.Verbose.class)
class LogHygieneTest {

    static final Path LOG = Path.of("target", "log-hygiene", "latchkey.log");

    public static class Verbose implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("quarkus.log.level", "DEBUG"),
                    Map.entry("quarkus.log.category.\"dev.latchkey\".level", "DEBUG"),
                    Map.entry("quarkus.log.file.enabled", "true"),
                    Map.entry("quarkus.log.file.path", LOG.toString()),
                    Map.entry("quarkus.log.file.level", "DEBUG"),
                    Map.entry("quarkus.http.access-log.enabled", "true"),
                    Map.entry("quarkus.http.access-log.pattern", "combined"),
                    Map.entry("quarkus.hibernate-orm.log.sql", "true"),
                    Map.entry("latchkey.login-max-failures", "2"),
                    // events to a receiver: its deliveries (reset tokens in them) are logged about too
                    Map.entry("latchkey.webhook-url", WebhookReceiver.SHARED.url()),
                    Map.entry("latchkey.webhook-secret", WebhookReceiver.SHARED.secret()),
                    Map.entry("latchkey.webhook-poll-interval", "50ms"),
                    Map.entry("latchkey.webhook-retry-base", "100ms"),
                    // RestAssured's own HTTP client runs in this JVM and logs what *it* sends at DEBUG;
                    // that is the test client talking, not the service
                    Map.entry("quarkus.log.category.\"org.apache.http\".level", "INFO"));
        }
    }

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void noSecretEverReachesTheLog() throws Exception {
        List<String> secrets = new ArrayList<>();
        WebhookReceiver receiver = WebhookReceiver.SHARED;
        receiver.reset();
        secrets.add(receiver.secret());
        secrets.add(receiver.secret().substring("whsec_".length()));
        TestUser user = TestUsers.register(TestUsers.uniqueName("hygiene"), "hygiene passphrase one 1");
        secrets.add(user.password());

        Session body = TestUsers.login(user);
        Response cookieLogin = given().contentType(ContentType.JSON)
                .body(Map.of("username", user.username(), "password", user.password(), "refresh_transport", "cookie"))
                .post("/auth/login");
        String cookieToken = cookieLogin.getCookie("lk_refresh");
        Session rotated = TestUsers.refreshOk(body);
        Response cookieRefresh = given().cookie("lk_refresh", cookieToken).post("/auth/refresh");
        String cookieToken2 = cookieRefresh.getCookie("lk_refresh");
        given().header("Authorization", rotated.bearer()).get("/auth/me").then().statusCode(200);
        given().header("Authorization", rotated.bearer()).get("/auth/sessions").then().statusCode(200);

        // failures: wrong password, throttled, malformed JSON quoting a password, forged and revoked tokens
        given().contentType(ContentType.JSON).body(Map.of("username", user.username(), "password", "hygiene wrong guess 1"))
                .post("/auth/login").then().statusCode(401);
        secrets.add("hygiene wrong guess 1");
        given().contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("ghost"), "password", "hygiene wrong guess 2"))
                .post("/auth/login").then().statusCode(401);
        secrets.add("hygiene wrong guess 2");
        given().contentType(ContentType.JSON).body("{\"username\":\"x\",\"password\":\"hygiene broken json 3\"")
                .post("/auth/login").then().statusCode(400);
        secrets.add("hygiene broken json 3");
        given().contentType(ContentType.JSON).body(Map.of("username", "x", "password", "hygiene nul\u0000byte 4"))
                .post("/auth/login").then().statusCode(400);
        String forged = TestKeys.sign(TestKeys.otherPrivateKey(), TestKeys.validClaimsOfNobody(), Map.of());
        given().header("Authorization", "Bearer " + forged).get("/auth/me").then().statusCode(401);

        // password change, reuse detection, logout with a bearer token, logout-all
        given().contentType(ContentType.JSON).header("Authorization", rotated.bearer())
                .body(Map.of("current_password", user.password(), "new_password", "hygiene passphrase two 2"))
                .post("/auth/password").then().statusCode(204);
        secrets.add("hygiene passphrase two 2");
        Session again = TestUsers.login(new TestUser(user.id(), user.username(), "hygiene passphrase two 2"));
        Session next = TestUsers.refreshOk(again);
        clock.advance(Duration.ofSeconds(11));
        TestUsers.refresh(again.refreshToken()).then().statusCode(401); // reuse: audit line
        clock.reset();
        Session last = TestUsers.login(new TestUser(user.id(), user.username(), "hygiene passphrase two 2"));
        given().contentType(ContentType.JSON).header("Authorization", last.bearer())
                .body(Map.of("refresh_token", last.refreshToken())).post("/auth/logout").then().statusCode(204);
        Session final1 = TestUsers.login(new TestUser(user.id(), user.username(), "hygiene passphrase two 2"));
        given().header("Authorization", final1.bearer()).post("/auth/logout-all").then().statusCode(204);

        // the admin API: a client token, a user created with a password, a reset token issued,
        // guessed at and used, a patch and a delete
        String adminToken = AdminApi.token();
        addToken(secrets, adminToken);
        String made = AdminApi.as(adminToken).contentType(ContentType.JSON)
                .body(Map.of("username", TestUsers.uniqueName("hygiene-admin"), "password", "hygiene admin made 5"))
                .post("/admin/users").then().statusCode(201).extract().jsonPath().getString("id");
        secrets.add("hygiene admin made 5");
        String resetToken = AdminApi.as(adminToken).post("/admin/users/" + made + "/password-reset").then().statusCode(201)
                .extract().jsonPath().getString("reset_token");
        addRefreshToken(secrets, resetToken);
        String guessed = OpaqueTokens.generate();
        AdminApi.reset(guessed, "hygiene reset guess 6").then().statusCode(400);
        addRefreshToken(secrets, guessed);
        secrets.add("hygiene reset guess 6");
        AdminApi.reset(resetToken, "hygiene").then().statusCode(400); // too short: the policy's refusal
        AdminApi.reset(resetToken, "hygiene reset passphrase 7").then().statusCode(204);
        secrets.add("hygiene reset passphrase 7");
        String madePhc = (String) new Db(dataSource).single("SELECT password_hash FROM users WHERE id = ?",
                UUID.fromString(made));
        secrets.add(madePhc);
        AdminApi.as(adminToken).contentType("application/merge-patch+json").body("{\"roles\":[\"editor\"],\"disabled\":true}")
                .patch("/admin/users/" + made).then().statusCode(200);
        AdminApi.as(adminToken).delete("/admin/users/" + made).then().statusCode(204);

        // a self-service reset request: its token travels through the outbox to the receiver,
        // refused once (a retry is logged about) and then delivered
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(id -> calls.incrementAndGet() == 1 ? 500 : 200);
        given().contentType(ContentType.JSON).body(Map.of("username", user.username()))
                .post("/auth/password-reset/request").then().statusCode(202);
        WebhookReceiver.Attempt requested = receiver.await(
                WebhookReceiver.ofUser(user.id()).and(a -> a.type().equals("user.password_reset_requested")), 1,
                Duration.ofSeconds(15)).get(0);
        addRefreshToken(secrets, requested.data().path("reset_token").asText());
        for (WebhookReceiver.Attempt attempt : receiver.attempts()) {
            secrets.add(attempt.signature().substring("v1,".length()));
        }

        for (Session s : List.of(body, rotated, again, next, last, final1)) {
            addToken(secrets, s.accessToken());
            addRefreshToken(secrets, s.refreshToken());
        }
        addToken(secrets, cookieLogin.jsonPath().getString("access_token"));
        addToken(secrets, cookieRefresh.jsonPath().getString("access_token"));
        addToken(secrets, forged);
        addRefreshToken(secrets, cookieToken);
        addRefreshToken(secrets, cookieToken2);
        String phc = (String) new Db(dataSource).single("SELECT password_hash FROM users WHERE id = ?",
                UUID.fromString(user.id()));
        secrets.add(phc);
        secrets.add(phc.substring(phc.lastIndexOf('$') + 1)); // the hash part alone

        String log = readLog();
        assertTrue(log.contains("POST /auth/login"), "the access log was captured");
        assertTrue(log.contains("refresh token reuse detected"), "the audit line was captured");
        assertTrue(log.contains("password reset token issued"), "the admin audit lines were captured");
        assertTrue(log.contains("password reset requested"), "the self-service audit line was captured");
        assertTrue(log.contains("not delivered (attempt 1)"), "the failed delivery was logged about");
        for (String secret : secrets) {
            assertFalse(log.contains(secret),
                    "a secret reached the log: " + secret.substring(0, Math.min(6, secret.length())) + "…");
        }
    }

    private static void addToken(List<String> secrets, String jwt) {
        secrets.add(jwt);
        secrets.add(jwt.substring(jwt.lastIndexOf('.') + 1)); // the signature alone
    }

    private static void addRefreshToken(List<String> secrets, String raw) {
        secrets.add(raw);
        byte[] hash = OpaqueTokens.hash(raw);
        secrets.add(HexFormat.of().formatHex(hash));
        secrets.add(Base64.getEncoder().encodeToString(hash));
        secrets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
    }

    private static String readLog() throws IOException, InterruptedException {
        Thread.sleep(500); // let the file handler flush
        return Files.readString(LOG, StandardCharsets.UTF_8);
    }
}
