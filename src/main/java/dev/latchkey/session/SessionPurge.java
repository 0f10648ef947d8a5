package dev.latchkey.session;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.audit.AuditTrail;
import dev.latchkey.config.LatchkeyConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes audit events older than {@code latchkey.audit-retention}, and families (and, by cascade, their tokens) that ended
 * (revoked or expired) more than
 * {@code latchkey.purge-after} ago, in bounded batches so no transaction grows large. Every
 * instance may run it; {@code SKIP LOCKED} keeps them out of each other's way.
 */
@ApplicationScoped
public class SessionPurge {

    static final int BATCH = 1000;
    private static final Logger LOG = Logger.getLogger(SessionPurge.class);

    private final LatchkeyConfig config;
    private final Clock clock;
    private final AuditTrail audit;

    public SessionPurge(LatchkeyConfig config, Clock clock, AuditTrail audit) {
        this.config = config;
        this.clock = clock;
        this.audit = audit;
    }

    @Scheduled(every = "${latchkey.purge-interval:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        purge();
    }

    /** Runs one purge now; returns how many families were deleted. */
    public int purge() {
        Instant cutoff = clock.instant().minus(config.purgeAfter());
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> Panache.getEntityManager().createNativeQuery(
                    "DELETE FROM refresh_families WHERE id IN (SELECT id FROM refresh_families"
                            + " WHERE ended_at < :cutoff LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED)")
                    .setParameter("cutoff", cutoff)
                    .executeUpdate());
            total += deleted;
        } while (deleted == BATCH);
        int events = audit.purgeBefore(clock.instant().minus(config.auditRetention()), BATCH);
        if (total > 0 || events > 0) {
            LOG.infof("purged %d ended session(s) older than %s and %d audit event(s)", total, cutoff, events);
        }
        return total;
    }
}
