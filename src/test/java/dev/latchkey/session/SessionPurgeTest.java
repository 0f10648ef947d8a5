package dev.latchkey.session;

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
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SessionPurgeTest {

    @Inject
    MutableClock clock;

    @Inject
    SessionPurge purge;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void familiesEndedLongerAgoThanPurgeAfterAreDeletedWithTheirTokens() {
        Session revoked = TestUsers.newSession();
        TestUsers.refreshOk(revoked);
        Session live = TestUsers.login(revoked.user());
        LogoutTest.logout(revoked.refreshToken()).then().statusCode(204);
        Db db = new Db(dataSource);

        clock.advance(Duration.ofDays(6));
        purge.purge();
        assertEquals(1, families(db, revoked.sid()), "ended 6 days ago: kept (purge-after is 7 days)");

        clock.advance(Duration.ofDays(2));
        purge.purge();
        assertEquals(0, families(db, revoked.sid()), "ended 8 days ago: purged");
        assertEquals(0, db.count("SELECT count(*) FROM refresh_tokens WHERE family_id = ?", UUID.fromString(revoked.sid())));
        assertEquals(1, families(db, live.sid()), "idle-expired only a day ago: kept");

        clock.advance(Duration.ofDays(7));
        purge.purge();
        assertEquals(0, families(db, live.sid()), "idle-expired 8 days ago: purged");
    }

    private static long families(Db db, String sid) {
        return db.count("SELECT count(*) FROM refresh_families WHERE id = ?", UUID.fromString(sid));
    }
}
