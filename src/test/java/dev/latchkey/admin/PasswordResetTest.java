package dev.latchkey.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.session.OpaqueTokens;
import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.Expect;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Password-reset tokens (API.md "Password reset"): issued by the admin API, single use, 15 minutes
 * on the shared clock, voided by a newer one, stored only as a hash; using one sets the password
 * under the policy and ends every session and access token of the user.
 */
@QuarkusTest
class PasswordResetTest {

    static final String NEW_PASSWORD = "a reset passphrase 2026";

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aResetTokenSetsThePasswordOnceAndEndsEverySession() {
        TestUser user = AdminApi.createUser(null);
        Session phone = TestUsers.login(user);
        Session laptop = TestUsers.login(user);
        String token = AdminApi.resetToken(user.id());

        AdminApi.reset(token, NEW_PASSWORD).then().statusCode(204).header("Cache-Control", "no-store");

        for (Session s : List.of(phone, laptop)) {
            Expect.invalidToken(given().header("Authorization", s.bearer()).get("/auth/me"));
            Expect.invalidGrant(TestUsers.refresh(s.refreshToken()));
        }
        Expect.invalidGrant(AdminApi.login(user.username(), user.password()));
        TestUsers.login(new TestUser(user.id(), user.username(), NEW_PASSWORD));
        assertEquals(2L, new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE user_id = ?"
                + " AND revoke_reason = 'password_reset'", UUID.fromString(user.id())));

        invalidGrant(AdminApi.reset(token, "yet another passphrase 9"));
        TestUsers.login(new TestUser(user.id(), user.username(), NEW_PASSWORD)); // the second try changed nothing
    }

    @Test
    void anExpiredTokenIsRefusedAndChangesNothing() {
        TestUser user = AdminApi.createUser(null);
        String almost = AdminApi.resetToken(user.id());
        clock.advance(Duration.ofMinutes(14).plusSeconds(50));
        AdminApi.reset(almost, NEW_PASSWORD).then().statusCode(204); // still within 15 minutes
        clock.reset();

        TestUser other = AdminApi.createUser(null);
        String late = AdminApi.resetToken(other.id());
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        invalidGrant(AdminApi.reset(late, NEW_PASSWORD));
        TestUsers.login(other); // the old password still works
    }

    @Test
    void aNewerTokenVoidsTheOlderOnes() {
        TestUser user = AdminApi.createUser(null);
        String first = AdminApi.resetToken(user.id());
        String second = AdminApi.resetToken(user.id());
        String third = AdminApi.resetToken(user.id());
        invalidGrant(AdminApi.reset(first, NEW_PASSWORD));
        invalidGrant(AdminApi.reset(second, NEW_PASSWORD));
        TestUsers.login(user);
        AdminApi.reset(third, NEW_PASSWORD).then().statusCode(204);
        TestUsers.login(new TestUser(user.id(), user.username(), NEW_PASSWORD));
    }

    @Test
    void unknownAndMalformedTokensAreInvalidGrant() {
        invalidGrant(AdminApi.reset(OpaqueTokens.generate(), NEW_PASSWORD));
        invalidGrant(AdminApi.reset("short", NEW_PASSWORD));
        invalidGrant(AdminApi.reset("x".repeat(43), NEW_PASSWORD));
        // a refresh token has the same shape, and is no reset token
        invalidGrant(AdminApi.reset(TestUsers.newSession().refreshToken(), NEW_PASSWORD));
    }

    @Test
    void malformedRequestsAre400InvalidRequest() {
        String token = AdminApi.resetToken(AdminApi.createUser(null).id());
        for (String body : List.of("{}", "{\"reset_token\":\"" + token + "\"}", "{\"new_password\":\"" + NEW_PASSWORD + "\"}",
                "{\"reset_token\":1,\"new_password\":\"" + NEW_PASSWORD + "\"}", "{\"reset_token\":\"" + "a".repeat(300)
                        + "\",\"new_password\":\"x\"}",
                "[]", "{\"reset_token\":")) {
            Expect.invalidRequest(given().contentType(ContentType.JSON).body(body).post("/auth/password-reset"), 400);
        }
        Expect.error(given().contentType(ContentType.TEXT).body("{}").post("/auth/password-reset"), 415, "invalid_request");
        AdminApi.reset(token, NEW_PASSWORD).then().statusCode(204); // none of that used the token up
    }

    @Test
    void aWeakPasswordIsRefusedAndTheTokenStaysUsable() {
        TestUser user = AdminApi.createUser(null);
        Session session = TestUsers.login(user);
        String token = AdminApi.resetToken(user.id());
        Expect.invalidRequest(AdminApi.reset(token, "short"), 400);
        Expect.invalidRequest(AdminApi.reset(token, "password1"), 400);
        Expect.invalidRequest(AdminApi.reset(token, user.username()), 400);
        assertEquals(200, TestUsers.meStatus(session.accessToken()), "nothing was revoked");
        AdminApi.reset(token, NEW_PASSWORD).then().statusCode(204);
        assertEquals(401, TestUsers.meStatus(session.accessToken()));
    }

    @Test
    void onlyTheTokensHashIsStored() {
        TestUser user = AdminApi.createUser(null);
        String token = AdminApi.resetToken(user.id());
        List<Object[]> rows = new Db(dataSource).rows("SELECT token_hash, password_reset_tokens::text FROM"
                + " password_reset_tokens WHERE user_id = ?", UUID.fromString(user.id()));
        assertEquals(1, rows.size());
        assertArrayEquals(OpaqueTokens.hash(token), (byte[]) rows.get(0)[0]);
        assertTrue(!((String) rows.get(0)[1]).contains(token), "the raw token is nowhere in the row");
        AdminApi.reset(token, NEW_PASSWORD).then().statusCode(204);
        assertEquals(0L, new Db(dataSource).count("SELECT count(*) FROM password_reset_tokens WHERE user_id = ?",
                UUID.fromString(user.id())), "a used token is gone");
    }

    @Test
    void aTokenForADeletedUserIsInvalidGrant() {
        TestUser user = AdminApi.createUser(null);
        String token = AdminApi.resetToken(user.id());
        AdminApi.admin().delete("/admin/users/" + user.id()).then().statusCode(204);
        invalidGrant(AdminApi.reset(token, NEW_PASSWORD));
    }

    /** API.md: 400 {@code invalid_grant} on {@code /auth/password-reset}, and nothing handed out. */
    private static void invalidGrant(Response response) {
        Expect.error(response, 400, "invalid_grant");
        Expect.noTokenHandedOut(dev.latchkey.testsupport.Answer.of(response));
    }

    @Test
    void withoutAWebhookThereIsNoSelfServiceRequest() {
        TestUser user = TestUsers.register();
        Expect.error(given().contentType(ContentType.JSON).body(java.util.Map.of("username", user.username()))
                .post("/auth/password-reset/request"), 404, "not_found");
        assertEquals(0L, new Db(dataSource).count("SELECT count(*) FROM password_reset_tokens WHERE user_id = ?",
                UUID.fromString(user.id())), "nothing issued");
        assertEquals(0L, new Db(dataSource).count("SELECT count(*) FROM event_outbox"), "no events are written");
    }
}
