package dev.latchkey.revocation;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.OwnRedis;
import dev.latchkey.testsupport.TcpProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A Redis failover that loses data: the service talks to Redis through a proxy, which the test
 * points from one server to another, empty one (as a promoted replica that missed every write
 * would be). No revocation answered before comes undone.
 */
@QuarkusTest
@TestProfile(RevocationFailoverTest.BehindAProxy.class)
class RevocationFailoverTest {

    static final OwnRedis PRIMARY = OwnRedis.shared("failover-primary");
    static final OwnRedis REPLICA = OwnRedis.shared("failover-replica");
    static final TcpProxy PROXY = TcpProxy.shared("failover-redis", PRIMARY.port());

    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + PROXY.port());
        }
    }

    @Inject
    MutableClock clock;

    @Test
    void noRevocationIsUndoneByAFailoverToAServerThatMissedTheWrites() {
        RevokedTokens tokens = RevokedTokens.make(clock);
        PROXY.retarget(REPLICA.port());
        tokens.neverAcceptedAgain(Duration.ofSeconds(30));
    }
}
