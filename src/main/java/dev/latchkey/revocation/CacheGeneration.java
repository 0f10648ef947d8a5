package dev.latchkey.revocation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.error.OutageLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.redis.client.Response;

/**
 * Whether this instance may trust the revocation cache in Redis, and its rebuild when it may not.
 * <p>
 * {@code lk:cache:generation} names the build of the cache every instance trusts; it is written
 * last by the rebuild, after every key. An instance trusts the generation it read; it stops
 * trusting (and bearer checks answer 503) when the marker is gone (a flush, a restart without
 * persistence, a failover to an empty server), when the server it talks to is another one than
 * before (its run id or replication id changed: a failover to a replica that may have missed the
 * last writes), or when a check finds an owner's version key missing. Then one instance, holding
 * {@code lk:cache:rebuild}, rebuilds the cache from PostgreSQL ({@link CacheRebuild}) under a new
 * generation; the others wait for the new marker. The state is checked every second and at once
 * when a check finds something amiss.
 */
@ApplicationScoped
public class CacheGeneration {

    static final String MARKER = "lk:cache:generation";
    static final String LOCK = "lk:cache:rebuild";

    private static final Logger LOG = Logger.getLogger(CacheGeneration.class);
    /** A check that finds a key missing while the marker is fine asks for at most one repair per this. */
    private static final Duration REPAIR_INTERVAL = Duration.ofSeconds(10);

    private final RedisDataSource redis;
    private final CacheRebuild rebuild;
    private final Duration lockLease;
    private final String instance = java.util.UUID.randomUUID().toString();
    private final ReentrantLock checking = new ReentrantLock();
    private final AtomicBoolean pokeScheduled = new AtomicBoolean();
    private final AtomicBoolean repairWanted = new AtomicBoolean();
    private final AtomicLong lastRepair = new AtomicLong();
    private final Counter rebuilds;

    /**
     * Set once the start-up check ran: the scheduler may tick while the application is still
     * starting, and Quarkus creates its Redis clients lazily, from one thread at a time only.
     */
    private volatile boolean started;
    private volatile Long trusted;
    private volatile boolean everTrusted;
    private volatile String server;
    /** Redis' clock minus ours, in ms (measured with the TIME command, half the round trip added). */
    private volatile Long redisOffsetMillis;

    public CacheGeneration(RedisDataSource redis, CacheRebuild rebuild, LatchkeyConfig config, MeterRegistry metrics) {
        this.redis = redis;
        this.rebuild = rebuild;
        this.lockLease = config.dbTimeout().multipliedBy(4).plus(Duration.ofSeconds(60));
        this.rebuilds = Counter.builder("latchkey.revocation.cache.rebuilds")
                .description("rebuilds of the revocation cache from PostgreSQL").register(metrics);
        Gauge.builder("latchkey.revocation.cache.generation", this, g -> g.trusted == null ? 0 : g.trusted)
                .description("the revocation cache generation this instance trusts (0: none, checks answer 503)")
                .register(metrics);
    }

    /**
     * The first check, at start, after the Redis extension's own start-up observers (they create
     * the Redis clients; touching Redis before them races their creation).
     */
    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 1000) StartupEvent event) {
        check();
        started = true;
    }

    /** The generation this instance trusts, or null while it trusts none (bearer checks answer 503). */
    public Long trusted() {
        return trusted;
    }

    /**
     * A bearer check found something it cannot vouch for: look again now, and if the marker is
     * fine but a key was lost, rebuild (at most once per ten seconds).
     */
    void lost(String why) {
        LOG.debugf("revocation cache: %s", why);
        if (trusted != null && "token version missing".equals(why)) {
            repairWanted.set(true);
        }
        if (started && pokeScheduled.compareAndSet(false, true)) {
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                pokeScheduled.set(false);
                check();
            });
        }
    }

    /** Redis' clock now, in ms (for the revocation write's deadline); measured now if never yet. */
    long redisNowMillis() {
        Long offset = redisOffsetMillis;
        if (offset == null) {
            measureOffset();
            offset = redisOffsetMillis == null ? 0L : redisOffsetMillis;
        }
        return System.currentTimeMillis() + offset;
    }

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (started) {
            check();
        }
    }

    /** Reads the marker and the server's identity, and rebuilds when they say the cache is lost. */
    void check() {
        if (!checking.tryLock()) {
            return; // a check is running; it sees what this one would
        }
        try {
            measureOffset();
            String marker = RedisCalls.call("revocation cache marker",
                    () -> redis.value(String.class).get(MARKER));
            String now = serverIdentity();
            if (marker == null) {
                distrust("no cache generation marker (Redis lost its data, or this is the first start)");
                rebuild();
            } else if (server != null && now != null && !now.equals(server)) {
                distrust("the Redis server changed (run id or replication id): it may lack the last writes");
                rebuild();
            } else if (repairWanted.get() && Long.valueOf(marker).equals(trusted)
                    && System.currentTimeMillis() - lastRepair.get() > REPAIR_INTERVAL.toMillis()) {
                distrust("an owner's version key was missing");
                rebuild();
            } else if (!Long.valueOf(marker).equals(trusted)) {
                trusted = Long.valueOf(marker);
                everTrusted = true;
                server = now;
                repairWanted.set(false);
                LOG.infof("revocation cache generation %s trusted", marker);
            } else if (server == null) {
                server = now;
            }
        } catch (RuntimeException e) {
            // Redis does not answer: bearer checks fail with 503 on their own; try again next tick
            OutageLog.failed("Redis", "revocation cache check", e);
        } finally {
            checking.unlock();
        }
    }

    private void distrust(String why) {
        if (trusted != null) {
            LOG.warnf("revocation cache not trusted any more: %s; bearer checks answer 503 until it is rebuilt", why);
        }
        trusted = null;
        server = null;
    }

    /** One instance rebuilds (holding the lock); the others find the new marker on a later check. */
    private void rebuild() {
        boolean hadTrusted = everTrusted;
        Response locked = redis.execute("SET", LOCK, instance, "NX", "PX", Long.toString(lockLease.toMillis()));
        if (locked == null) {
            return; // another instance is rebuilding
        }
        try {
            long generation = redisMicros();
            long started = System.nanoTime();
            CacheRebuild.Counts counts = rebuild.run(generation);
            redis.value(String.class).set(MARKER, Long.toString(generation));
            trusted = generation;
            everTrusted = true;
            server = serverIdentity();
            repairWanted.set(false);
            lastRepair.set(System.currentTimeMillis());
            rebuilds.increment();
            String message = String.format("revocation cache rebuilt from PostgreSQL as generation %d in %d ms: %d user "
                    + "version(s), %d session denial(s), %d token denial(s), %d client(s)", generation,
                    (System.nanoTime() - started) / 1_000_000, counts.versions(), counts.sessions(), counts.tokens(),
                    counts.clients());
            if (hadTrusted || counts.fromTheRecord() > 0) {
                LOG.warn(message); // the cache was lost: say what came back and how long it took
            } else {
                LOG.info(message); // a first start on an empty Redis
            }
        } finally {
            redis.execute("EVAL",
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
                    "1", LOCK, instance);
        }
    }

    private void measureOffset() {
        long before = System.currentTimeMillis();
        Response time = RedisCalls.call("Redis clock", () -> redis.execute("TIME"));
        long after = System.currentTimeMillis();
        long redisMillis = time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000;
        redisOffsetMillis = redisMillis - (before + after) / 2;
    }

    private long redisMicros() {
        Response time = redis.execute("TIME");
        return time.get(0).toLong() * 1_000_000 + time.get(1).toLong();
    }

    /**
     * The server's run id and replication id (standalone and Sentinel); null on Redis Cluster, whose
     * nodes answer one by one (a lost shard shows as missing keys instead).
     */
    private String serverIdentity() {
        try {
            String server = redis.execute("INFO", "server").toString();
            if (server.contains("redis_mode:cluster")) {
                return null;
            }
            String replication = redis.execute("INFO", "replication").toString();
            return field(server, "run_id") + "/" + field(replication, "master_replid");
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String field(String info, String name) {
        for (String line : List.of(info.split("\r?\n"))) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return "";
    }
}
