package dev.latchkey.session;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.revocation.RevocationCache;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes, in bounded batches so that no transaction grows large: families (and, by cascade, their
 * tokens) that ended (revoked or expired) more than {@code latchkey.purge-after} ago, audit events
 * older than {@code latchkey.audit-retention}, and the records of denied access tokens that have
 * expired, expired password-reset tokens and the records of users deleted long ago. Every
 * instance may run it; {@code SKIP LOCKED} keeps them out of each other's way.
 */
@ApplicationScoped
public class SessionPurge {

    static final int BATCH = 1000;
    private static final Logger LOG = Logger.getLogger(SessionPurge.class);

    private final LatchkeyConfig config;
    private final Clock clock;

    public SessionPurge(LatchkeyConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${latchkey.purge-interval:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        purge();
    }

    /** Runs one purge now; returns how many families were deleted. */
    public int purge() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(config.purgeAfter());
        int families = deleteInBatches("refresh_families", "id", "ended_at", cutoff);
        int events = deleteInBatches("audit_events", "id", "occurred_at", now.minus(config.auditRetention()));
        // a denied token's record is kept until the token could not be accepted anyway
        deleteInBatches("denied_access_tokens", "jti", "expires_at", now.minus(RevocationCache.CLOCK_SKEW));
        // an expired reset token can never be used; a deleted user's record, once none of their
        // access tokens can be alive (purge-after is far longer than an access token lives)
        deleteInBatches("password_reset_tokens", "user_id", "expires_at", now.minus(RevocationCache.CLOCK_SKEW));
        deleteInBatches("deleted_users", "id", "deleted_at", cutoff);
        if (families > 0 || events > 0) {
            LOG.infof("purged %d ended session(s) older than %s and %d audit event(s)", families, cutoff, events);
        }
        return families;
    }

    /**
     * Deletes the rows of {@code table} whose {@code column} is before {@code cutoff}, {@link #BATCH}
     * at a time, each batch in a transaction of its own: no transaction grows large, and
     * {@code SKIP LOCKED} lets instances purging at the same moment take different rows.
     */
    private static int deleteInBatches(String table, String key, String column, Instant cutoff) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table + " WHERE "
                + column + " < :cutoff LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED)";
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> Panache.getEntityManager().createNativeQuery(sql)
                    .setParameter("cutoff", cutoff)
                    .executeUpdate());
            total += deleted;
        } while (deleted == BATCH);
        return total;
    }
}
