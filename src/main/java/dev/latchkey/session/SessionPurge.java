package dev.latchkey.session;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Deletes families (and, by cascade, their tokens) that ended (revoked or expired) more than
 * {@code latchkey.purge-after} ago, in bounded batches so no transaction grows large. Every
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
        if (total > 0) {
            LOG.infof("purged %d ended session(s) older than %s", total, cutoff);
        }
        return total;
    }
}
