package dev.latchkey.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.Concurrently;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import io.quarkus.test.junit.QuarkusTest;

/**
 * When PostgreSQL drops every connection of the pool at once (a restart, a failover), one request
 * may meet a broken connection; the pool then sweeps the others at once, so the requests after it
 * do not each meet one of them.
 */
@QuarkusTest
class BrokenPoolTest {

    @ConfigProperty(name = "quarkus.datasource.jdbc.additional-jdbc-properties.ApplicationName")
    String applicationName;

    @Test
    void afterEveryConnectionWasDroppedOnlyTheFirstRequestMeetsABrokenOne() throws Exception {
        List<Session> logins = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            logins.add(TestUsers.newSession());
        }
        // fill the pool: a dozen refreshes at once leave about a dozen idle connections
        AtomicInteger next = new AtomicInteger();
        List<Session> sessions = Concurrently.run(logins.size(),
                () -> TestUsers.refreshOk(logins.get(next.getAndIncrement())));
        int dropped = dropTheServicesConnections();
        assertTrue(dropped >= 4, "the pool held " + dropped + " connections");

        int first = TestUsers.refresh(sessions.get(0).refreshToken()).statusCode();
        assertTrue(first == 200 || first == 503, "the first request: " + first);
        Thread.sleep(300);
        List<Integer> after = new ArrayList<>();
        for (int i = 1; i < sessions.size(); i++) {
            after.add(TestUsers.refresh(sessions.get(i).refreshToken()).statusCode());
        }
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200), after);
    }

    private int dropTheServicesConnections() throws Exception {
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                Statement s = admin.createStatement();
                ResultSet r = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        + " WHERE application_name = '" + applicationName + "' AND pid <> pg_backend_pid()")) {
            r.next();
            return r.getInt(1);
        }
    }
}
