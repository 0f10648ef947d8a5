package dev.latchkey.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalPropertiesReader;

/**
 * Failures are told apart by type, SQLSTATE and origin, with the real failures the real pool and
 * the real PostgreSQL produce, not with hand-made exceptions carrying a chosen message.
 */
class FailuresTest {

    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    @Test
    void aFullPoolIsUnavailableWhateverItsMessageSays() throws SQLException {
        Map<String, String> settings = Map.of(
                AgroalPropertiesReader.JDBC_URL, URL,
                AgroalPropertiesReader.PRINCIPAL, "postgres",
                AgroalPropertiesReader.MAX_SIZE, "1",
                AgroalPropertiesReader.ACQUISITION_TIMEOUT_MS, "200");
        try (AgroalDataSource pool = AgroalDataSource.from(new AgroalPropertiesReader().readProperties(settings));
                Connection taken = pool.getConnection()) {
            SQLException full = assertThrows(SQLException.class, pool::getConnection);
            assertTrue(Failures.isUnavailable(full), Failures.describe(full));
            assertTrue(Failures.isUnavailable(new IllegalStateException("wrapped", full)));
            assertEquals("PostgreSQL", Failures.dependencyOf(full));
        }
    }

    @Test
    void aStatementCancelledByItsTimeoutIsUnavailable() throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("SET statement_timeout = '100ms'");
            SQLException cancelled = assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(2)"));
            assertEquals("57014", cancelled.getSQLState());
            assertTrue(Failures.isUnavailable(cancelled));
        }
    }

    @Test
    void aLockNotGrantedWithinLockTimeoutIsUnavailable() throws SQLException {
        try (Connection holder = DriverManager.getConnection(URL, "postgres", "");
                Connection waiter = DriverManager.getConnection(URL, "postgres", "");
                Statement hold = holder.createStatement();
                Statement wait = waiter.createStatement()) {
            hold.execute("CREATE TABLE IF NOT EXISTS failures_test_lock (id int)");
            holder.setAutoCommit(false);
            hold.execute("LOCK TABLE failures_test_lock IN ACCESS EXCLUSIVE MODE");
            waiter.setAutoCommit(false);
            wait.execute("SET LOCAL lock_timeout = '100ms'");
            SQLException refused = assertThrows(SQLException.class,
                    () -> wait.execute("SELECT * FROM failures_test_lock"));
            assertEquals("55P03", refused.getSQLState());
            assertTrue(Failures.isUnavailable(refused));
            holder.rollback();
            waiter.rollback();
        }
    }

    @Test
    void aTerminatedConnectionIsUnavailable() throws SQLException {
        try (Connection victim = DriverManager.getConnection(URL, "postgres", "");
                Connection admin = DriverManager.getConnection(URL, "postgres", "");
                Statement statement = victim.createStatement()) {
            int pid;
            try (var rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            try (Statement kill = admin.createStatement()) {
                kill.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            SQLException lost = assertThrows(SQLException.class, () -> statement.execute("SELECT 1"));
            assertTrue(Failures.isUnavailable(lost), lost.getSQLState() + " " + Failures.describe(lost));
        }
    }

    @Test
    void bugsAndBadDataAreNotUnavailable() throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, "postgres", "");
                Statement statement = connection.createStatement()) {
            SQLException syntax = assertThrows(SQLException.class, () -> statement.execute("SELEC 1"));
            assertEquals("42601", syntax.getSQLState());
            assertFalse(Failures.isUnavailable(syntax));
            SQLException missing = assertThrows(SQLException.class,
                    () -> statement.execute("SELECT * FROM no_such_table_here"));
            assertFalse(Failures.isUnavailable(missing));
        }
        // a state-less SQLException that the pool did not throw is a bug, whatever its words
        assertFalse(Failures.isUnavailable(new SQLException("Sorry, acquisition timeout!")));
        assertFalse(Failures.isUnavailable(new IllegalStateException("Acquisition timeout while waiting")));
        assertFalse(Failures.isUnavailable(new NullPointerException()));
    }

    @Test
    void ourOwnUnavailableIsUnavailableAndOtherCodesAreNot() {
        assertTrue(Failures.isUnavailable(new RuntimeException(LatchkeyException.unavailable())));
        assertFalse(Failures.isUnavailable(new LatchkeyException(ErrorCode.INVALID_REQUEST, "bad")));
    }

    @Test
    void theDescriptionNamesTypesAndFramesNeverMessages() {
        String described = Failures.describe(new IllegalStateException("secret-token-value",
                new SQLException("password=hunter2", "08006")));
        assertTrue(described.contains("java.lang.IllegalStateException"));
        assertTrue(described.contains("java.sql.SQLException"));
        assertFalse(described.contains("secret-token-value"));
        assertFalse(described.contains("hunter2"));
    }
}
