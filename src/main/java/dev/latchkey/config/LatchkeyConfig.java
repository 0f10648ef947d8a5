package dev.latchkey.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every {@code latchkey.*} setting of the service, with the defaults of the API contract.
 * <p>
 * All instances behind a load balancer must share these values: nothing here may differ
 * between two instances that serve the same users.
 */
@ConfigMapping(prefix = "latchkey")
public interface LatchkeyConfig {

    /** The {@code iss} of every token and the discovery issuer; also the base of discovery URLs. */
    @WithDefault("http://localhost:8080")
    String issuer();

    /** The {@code aud} of access tokens; the first entry is the one resource servers usually check. */
    @WithDefault("latchkey")
    List<String> audience();

    /** PKCS#8 PEM RSA private key (file path or classpath resource). Required in prod mode. */
    Optional<String> signingKeyLocation();

    /** Extra PEM public keys kept in the JWKS and accepted for verification during a key rotation. */
    Optional<List<String>> verificationKeysLocation();

    /**
     * Which implementation computes the access tokens' RS256 signatures: {@code auto} uses Amazon
     * Corretto Crypto Provider (native, faster) where it loads and passes its self-tests, else the
     * JDK; {@code jdk} always uses the JDK. The tokens are byte-identical either way.
     */
    @WithDefault("auto")
    SigningProvider signingProvider();

    /**
     * Which implementation computes argon2id: {@code auto} uses libargon2 (the reference C code with
     * its SIMD path, about three times as fast) where it loads and agrees with Bouncy Castle, else
     * Bouncy Castle; {@code bouncycastle}
     * always uses Bouncy Castle. The PHC strings are the same either way.
     */
    @WithDefault("auto")
    PasswordHasherChoice passwordHasher();

    /** Access-token lifetime. */
    @WithDefault("15m")
    Duration accessTokenTtl();

    /** A family dies after this long without a refresh. */
    @WithDefault("7d")
    Duration refreshIdleTtl();

    /** A family dies this long after login, whatever happens; never extended by refreshing. */
    @WithDefault("30d")
    Duration refreshAbsoluteTtl();

    /** How long a rotated refresh token may be presented again to get the same successor; 0 disables. */
    @WithDefault("10s")
    Duration refreshGrace();

    /** What a detected refresh-token reuse kills. */
    @WithDefault("family")
    ReuseRevokes reuseRevokes();

    /** Origins allowed for cookie mode and CORS. */
    Optional<List<String>> allowedOrigins();

    /** The {@code Secure} attribute of the refresh cookie (and HSTS on responses). */
    @WithDefault("true")
    boolean cookieSecure();

    /** Whether {@code POST /auth/register} is open. */
    @WithDefault("true")
    boolean registrationEnabled();

    /** Failed logins per username and client address within the window before 429. */
    @WithDefault("5")
    int loginMaxFailures();

    /** The login throttling window. */
    @WithDefault("15m")
    Duration loginWindow();

    /**
     * Failed logins from one client address, whatever the usernames, within the window before 429
     * (password spraying).
     */
    @WithDefault("100")
    int loginMaxFailuresPerAddress();

    /** Registrations from one client address within the window before 429. */
    @WithDefault("20")
    int registrationMaxPerAddress();

    /** Revoked or expired families are deleted this long after they end. */
    @WithDefault("7d")
    Duration purgeAfter();

    /** Audit events are deleted this long after they happened. */
    @WithDefault("90d")
    Duration auditRetention();

    /** How often each instance runs the purge ({@code 1h}); {@code off} disables it on this instance. */
    @WithDefault("1h")
    String purgeInterval();

    /**
     * Live sessions per user: a login beyond it ends the least recently used one (revoke reason
     * {@code evicted}), so that nothing grows without bound.
     */
    @WithDefault("100")
    int maxSessionsPerUser();

    /**
     * The longest wait for one Redis command (the bearer check's read included) before the request
     * answers 503; also {@code quarkus.redis.timeout}.
     */
    @WithDefault("1s")
    Duration redisTimeout();

    /**
     * The longest wait for a database connection, a lock or a statement before the request answers
     * 503 (the pool's acquisition timeout, PostgreSQL's {@code lock_timeout} and
     * {@code statement_timeout}, and the socket's read timeout).
     */
    @WithDefault("5s")
    Duration dbTimeout();

    /**
     * How long a password-reset token ({@code POST /admin/users/{id}/password-reset}) can be used:
     * once, within this time, and only while it is the user's newest.
     */
    @WithDefault("15m")
    Duration passwordResetTtl();

    /**
     * Where events are POSTed (API.md "Events (webhooks)"). None: no webhooks, no events are
     * written, and {@code POST /auth/password-reset/request} is 404.
     */
    Optional<String> webhookUrl();

    /**
     * The Standard Webhooks secret the events are signed with: {@code whsec_} and the base64 of at
     * least 32 random bytes. Required with the URL. It also keys the encryption of the secrets that
     * wait in the outbox (reset tokens), so every instance must have the same one.
     */
    Optional<String> webhookSecret();

    /** The longest one delivery may take (connect, send, answer) before it counts as failed. */
    @WithDefault("5s")
    Duration webhookTimeout();

    /** The first retry delay; each further one doubles it (up to an hour), less up to a quarter of jitter. */
    @WithDefault("5s")
    Duration webhookRetryBase();

    /** How long after it happened an event is retried before it is given up (with a WARN and a metric). */
    @WithDefault("24h")
    Duration webhookRetryFor();

    /** How often each instance looks for events due for delivery. */
    @WithDefault("1s")
    Duration webhookPollInterval();

    /** The public client id accepted by the password and refresh grants of {@code /oauth2/token}. */
    @WithDefault("web")
    String publicClientId();

    /** OAuth 2.0 confidential clients, one group per client id. */
    Map<String, Client> clients();

    /** Which implementation signs access tokens. */
    enum SigningProvider {
        /** Amazon Corretto Crypto Provider where it loads and is healthy, else the JDK. */
        AUTO,
        /** The JDK's own RSA implementation (SunRsaSign). */
        JDK
    }

    enum PasswordHasherChoice {
        /** libargon2 where it loads and agrees with Bouncy Castle, else Bouncy Castle. */
        AUTO,
        /** Bouncy Castle's pure-Java argon2id. */
        BOUNCYCASTLE
    }

    /** What a detected reuse revokes. */
    enum ReuseRevokes {
        /** Only the family (session) in which the reuse happened. */
        FAMILY,
        /** Every session of the user and every access token issued before now, as after logout-all. */
        USER
    }

    /** A confidential OAuth 2.0 client. */
    interface Client {
        /** The client secret (HTTP Basic); at least 32 characters. */
        String secret();

        /** Grants it may use at the token endpoint; empty allows only introspection and revocation. */
        Optional<List<String>> grants();

        /** Scopes it may ask for with {@code client_credentials}. */
        Optional<List<String>> scopes();
    }

}
