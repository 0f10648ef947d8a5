package dev.latchkey.session;

import static dev.latchkey.testsupport.TestUsers.meStatus;
import static dev.latchkey.testsupport.TestUsers.refresh;
import static dev.latchkey.testsupport.TestUsers.refreshOk;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.agroal.api.AgroalDataSource;
import io.restassured.path.json.JsonPath;

/**
 * API.md "Clock skew between instances": this instance's own clock is set seconds (or days) away
 * from the shared one, as another instance's would be after a VM pause or with a broken NTP, and no
 * answer changes: grace, reuse, expiry and token versions are decided on PostgreSQL's clock or on
 * a counter. (scaleout/run.sh does the same with two real instances, one under faketime.)
 */
@io.quarkus.test.junit.QuarkusTest
class ClockSkewTest {

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aGraceRetryOnAnInstanceFifteenSecondsAheadIsNotTakenForReuse() {
        Session session = TestUsers.newSession();
        JsonPath first = refresh(session.refreshToken()).then().statusCode(200).extract().jsonPath();
        clock.skewLocal(Duration.ofSeconds(15)); // the retry lands on the instance whose clock is ahead
        JsonPath retry = refresh(session.refreshToken()).then().statusCode(200).extract().jsonPath();
        assertEquals(first.getString("refresh_token"), retry.getString("refresh_token"), "grace: the same successor");
        assertEquals(0L, new Db(dataSource).count("SELECT count(*) FROM refresh_families WHERE id = ? AND revoked_at IS"
                + " NOT NULL", UUID.fromString(session.sid())), "no reuse detected");
        clock.skewLocal(Duration.ZERO);
        assertEquals(200, meStatus(retry.getString("access_token")));
    }

    @Test
    void aLoginRightAfterLogoutAllOnAnInstanceTwelveSecondsBehindWorks() {
        Session first = TestUsers.newSession();
        given().header("Authorization", first.bearer()).post("/auth/logout-all").then().statusCode(204);
        clock.skewLocal(Duration.ofSeconds(-12)); // the login lands on the instance whose clock is behind
        Session again = TestUsers.login(first.user());
        clock.skewLocal(Duration.ZERO);
        assertEquals(200, meStatus(again.accessToken()), "not dead on arrival");
        assertEquals(401, meStatus(first.accessToken()));
        refreshOk(again);
    }

    @Test
    void accessTokensCarryTheSharedClocksTimeWhateverTheMintingInstancesClockSays() {
        clock.skewLocal(Duration.ofSeconds(-20));
        Session session = TestUsers.newSession();
        clock.skewLocal(Duration.ZERO);
        long iat = TestUsers.claims(session.accessToken()).getLong("iat");
        long now = System.currentTimeMillis() / 1000;
        assertEquals(true, Math.abs(iat - now) <= 2, "iat " + iat + " is the database's now " + now);
    }

    @Test
    void sessionExpiryIsDecidedOnTheSharedClock() {
        Session session = TestUsers.newSession();
        clock.skewLocal(Duration.ofDays(8)); // past the 7-day idle expiry by this instance's clock only
        Session rotated = refreshOk(session);
        clock.skewLocal(Duration.ZERO);
        clock.advance(Duration.ofDays(8)); // past it by the shared clock too
        refresh(rotated.refreshToken()).then().statusCode(401);
    }
}
