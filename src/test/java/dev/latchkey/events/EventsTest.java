package dev.latchkey.events;

import static dev.latchkey.testsupport.WebhookReceiver.ofUser;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.latchkey.db.Transactions;
import dev.latchkey.testsupport.AdminApi;
import dev.latchkey.testsupport.Concurrently;
import dev.latchkey.testsupport.Db;
import dev.latchkey.testsupport.MutableClock;
import dev.latchkey.testsupport.TestUsers;
import dev.latchkey.testsupport.TestUsers.Session;
import dev.latchkey.testsupport.TestUsers.TestUser;
import dev.latchkey.testsupport.WebhookProfile;
import dev.latchkey.testsupport.WebhookReceiver;
import dev.latchkey.testsupport.WebhookReceiver.Attempt;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Events through the outbox to a real receiver (API.md "Events (webhooks)"): every event type
 * arrives once, signed so that Standard Webhooks' own verifier accepts it; in order per user;
 * retried with growing delays under the same id while the receiver fails or is away; never
 * delivered twice at once; never in a request's way; given up after the retry period.
 */
@QuarkusTest
@TestProfile(WebhookProfile.class)
class EventsTest {

    static final Duration WITHIN = Duration.ofSeconds(15);
    static final String NEW_PASSWORD = "a reset passphrase 2026";

    final WebhookReceiver receiver = WebhookReceiver.SHARED;

    @Inject
    MutableClock clock;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Transactions transactions;

    @Inject
    EventOutbox outbox;

    @Inject
    WebhookDelivery delivery;

    Db db;

    @BeforeEach
    void receiverUp() {
        db = new Db(dataSource);
        receiver.reset();
    }

    @AfterEach
    void nothingLeftBehind() {
        receiver.reset();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (db.count("SELECT count(*) FROM event_outbox") > 0 && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertEquals(0, db.count("SELECT count(*) FROM event_outbox"), "every event was delivered");
    }

    @Test
    void everyEventTypeArrivesOnceSignedAndInOrder() {
        TestUser user = TestUsers.register();
        Session first = TestUsers.login(user);
        TestUsers.login(user);
        // a password change ends the other session
        given().header("Authorization", first.bearer()).contentType(ContentType.JSON)
                .body(Map.of("current_password", user.password(), "new_password", "another passphrase 2026 x"))
                .post("/auth/password").then().statusCode(204);
        TestUser changed = new TestUser(user.id(), user.username(), "another passphrase 2026 x");

        given().contentType(ContentType.JSON).body(Map.of("username", user.username().toUpperCase()))
                .post("/auth/password-reset/request").then().statusCode(202).header("Cache-Control", "no-store");
        Attempt requested = receiver.await(ofUser(user.id()).and(a -> a.type().equals("user.password_reset_requested")),
                1, WITHIN).get(0);
        String resetToken = requested.data().path("reset_token").asText();
        TestUsers.login(changed);
        AdminApi.reset(resetToken, NEW_PASSWORD).then().statusCode(204);
        TestUser reset = new TestUser(user.id(), user.username(), NEW_PASSWORD);

        Session stolen = TestUsers.login(reset);
        TestUsers.refreshOk(stolen);
        clock.advance(Duration.ofSeconds(11)); // past the grace window: presenting the old token is reuse
        given().header("User-Agent", "Thief/1.0").contentType(ContentType.JSON)
                .body(Map.of("refresh_token", stolen.refreshToken())).post("/auth/refresh").then().statusCode(401);

        AdminApi.patch(user.id(), "{\"roles\":[\"user\",\"editor\"]}").then().statusCode(200);
        AdminApi.patch(user.id(), "{\"disabled\":true}").then().statusCode(200);
        AdminApi.patch(user.id(), "{\"disabled\":false}").then().statusCode(200);
        AdminApi.admin().delete("/admin/users/" + user.id()).then().statusCode(204);

        List<String> expected = List.of("user.registered", "user.password_changed", "user.password_reset_requested",
                "user.password_changed", "session.reuse_detected", "user.roles_changed", "user.disabled",
                "user.enabled", "user.deleted");
        List<Attempt> events = receiver.await(ofUser(user.id()), expected.size(), WITHIN);
        sleep(300); // nothing more comes
        events = receiver.delivered(ofUser(user.id()));
        assertEquals(expected, events.stream().map(Attempt::type).toList(), "each once, in the order they happened");
        assertEquals(expected.size(), events.stream().map(Attempt::id).distinct().count(), "one id per event");
        for (Attempt event : events) {
            assertTrue(event.signatureValid(), "Standard Webhooks' verifier accepts " + event.type());
            assertTrue(event.signature().startsWith("v1,"));
            Instant.parse(event.json().path("timestamp").asText()); // RFC 3339
            assertEquals(Set.of("type", "timestamp", "data"), fields(event.json()));
        }
        assertEquals(Map.of("user_id", user.id(), "username", user.username()), strings(events.get(0)));
        assertEquals(Map.of("user_id", user.id(), "sessions_revoked", "1", "reason", "change"), strings(events.get(1)));
        assertEquals(Set.of("user_id", "username", "reset_token", "expires_at"), fields(events.get(2).data()));
        assertTrue(Instant.parse(events.get(2).data().path("expires_at").asText()).isAfter(Instant.now()));
        assertEquals(Map.of("user_id", user.id(), "sessions_revoked", "2", "reason", "reset"), strings(events.get(3)));
        assertTrue(events.get(3).data().path("sessions_revoked").isInt(), "a count, not a string");
        Map<String, String> reuse = strings(events.get(4));
        assertEquals(stolen.sid(), reuse.get("session_id"));
        assertEquals("Thief/1.0", reuse.get("user_agent"));
        assertEquals("127.0.0.1", reuse.get("ip"));
        assertEquals("1", reuse.get("sessions_revoked"));
        assertEquals("[\"user\",\"editor\"]", events.get(5).data().path("roles").toString());
        for (int i = 6; i < 9; i++) {
            assertEquals(Map.of("user_id", user.id()), strings(events.get(i)));
        }
        // an admin-created account is a new user too
        TestUser created = AdminApi.createUser(List.of("user"));
        assertEquals("user.registered", receiver.await(ofUser(created.id()), 1, WITHIN).get(0).type());
    }

    @Test
    void aResetRequestIsTheSameAnswerForAnyUsernameAndOnlyExistingEnabledUsersGetAToken() {
        TestUser known = TestUsers.register();
        TestUser disabled = TestUsers.register();
        AdminApi.patch(disabled.id(), "{\"disabled\":true}").then().statusCode(200);
        for (String name : List.of(known.username(), "nobody-" + UUID.randomUUID(), disabled.username(), "x y z")) {
            var answer = given().contentType(ContentType.JSON).body(Map.of("username", name))
                    .post("/auth/password-reset/request");
            answer.then().statusCode(202).header("Cache-Control", "no-store");
            assertEquals("", answer.body().asString(), "no body, whoever asked for");
        }
        receiver.await(ofUser(known.id()).and(a -> a.type().equals("user.password_reset_requested")), 1, WITHIN);
        sleep(500);
        assertTrue(receiver.delivered(a -> a.type().equals("user.password_reset_requested")).stream()
                .allMatch(a -> a.data().path("user_id").asText().equals(known.id())), "only the known, enabled user");
        // a newer request voids the older token
        String older = receiver.delivered(ofUser(known.id()).and(a -> a.type().equals("user.password_reset_requested")))
                .get(0).data().path("reset_token").asText();
        given().contentType(ContentType.JSON).body(Map.of("username", known.username()))
                .post("/auth/password-reset/request").then().statusCode(202);
        String newer = receiver.await(ofUser(known.id()).and(a -> a.type().equals("user.password_reset_requested")), 2,
                WITHIN).get(1).data().path("reset_token").asText();
        assertFalse(older.equals(newer));
        AdminApi.reset(older, NEW_PASSWORD).then().statusCode(400);
        AdminApi.reset(newer, NEW_PASSWORD).then().statusCode(204);
        // bad input is still a 400
        given().contentType(ContentType.JSON).body("{}").post("/auth/password-reset/request").then().statusCode(400);
    }

    @Test
    void aRolledBackChangeWritesNoEvent() {
        TestUser user = TestUsers.register();
        receiver.await(ofUser(user.id()), 1, WITHIN);
        UUID id = UUID.fromString(user.id());
        assertThrows(IllegalStateException.class, () -> transactions.run(tx -> {
            outbox.write(tx.connection(), EventType.USER_DISABLED, id, EventOutbox.data("user_id", user.id()));
            throw new IllegalStateException("the change fails after its event was written");
        }));
        assertEquals(0, db.count("SELECT count(*) FROM event_outbox WHERE user_id = ? AND type = 'user.disabled'", id));
        // a change that commits afterwards arrives, and nothing came before it
        AdminApi.patch(user.id(), "{\"roles\":[\"auditor\"]}").then().statusCode(200);
        List<Attempt> events = receiver.await(ofUser(user.id()), 2, WITHIN);
        sleep(300);
        assertEquals(List.of("user.registered", "user.roles_changed"),
                receiver.delivered(ofUser(user.id())).stream().map(Attempt::type).toList());
        assertEquals(2, events.size());
    }

    @Test
    void whileTheReceiverIsAwayEventsWaitAndThenArriveInOrderWithTheirIds() {
        receiver.stop();
        List<TestUser> users = List.of(TestUsers.register(), TestUsers.register());
        for (TestUser user : users) {
            AdminApi.patch(user.id(), "{\"roles\":[\"a\"]}").then().statusCode(200);
            AdminApi.patch(user.id(), "{\"roles\":[\"b\"]}").then().statusCode(200);
        }
        Map<String, List<String>> written = new ConcurrentHashMap<>();
        for (TestUser user : users) {
            written.put(user.id(), db.rows("SELECT id::text FROM event_outbox WHERE user_id = ? ORDER BY seq",
                    UUID.fromString(user.id())).stream().map(r -> (String) r[0]).toList());
            assertEquals(3, written.get(user.id()).size());
        }
        // a few failed attempts (connection refused), and readiness stays UP meanwhile
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (db.count("SELECT count(*) FROM event_outbox WHERE attempts >= 2") < 2 && System.nanoTime() < deadline) {
            sleep(50);
        }
        assertTrue(db.count("SELECT count(*) FROM event_outbox WHERE attempts >= 2") >= 2, "it kept trying");
        given().get("/q/health/ready").then().statusCode(200);
        assertTrue(metric("latchkey_events_oldest_undelivered_age_seconds") > 0, "the age of the oldest shows");

        receiver.start();
        for (TestUser user : users) {
            List<Attempt> events = receiver.await(ofUser(user.id()), 3, WITHIN);
            assertEquals(written.get(user.id()), events.stream().map(Attempt::id).toList(),
                    "in the order written, each with the id it was written with");
            assertEquals(List.of("user.registered", "user.roles_changed", "user.roles_changed"),
                    events.stream().map(Attempt::type).toList());
            assertEquals("[\"a\"]", events.get(1).data().path("roles").toString());
        }
        assertTrue(metric("latchkey_events_retried_total") >= 2);
    }

    @Test
    void aFailingReceiverIsRetriedWithGrowingDelaysUnderOneId() {
        Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        TestUser user = TestUsers.register();
        receiver.await(ofUser(user.id()), 1, WITHIN);
        receiver.answer(id -> tries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= 3
                ? 500
                : 200);
        AdminApi.patch(user.id(), "{\"roles\":[\"retried\"]}").then().statusCode(200);
        receiver.await(ofUser(user.id()).and(a -> a.type().equals("user.roles_changed")), 1, WITHIN);
        List<Attempt> tried = receiver.attempts().stream()
                .filter(a -> a.type().equals("user.roles_changed") && ofUser(user.id()).test(a)).toList();
        assertEquals(List.of(500, 500, 500, 200), tried.stream().map(Attempt::answered).toList());
        assertEquals(1, tried.stream().map(Attempt::id).distinct().count(), "the same webhook-id every time");
        assertEquals(1, tried.stream().map(Attempt::body).distinct().count(), "the same body every time");
        assertTrue(tried.stream().allMatch(Attempt::signatureValid));
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < tried.size(); i++) {
            gaps.add((tried.get(i).arrivedNanos() - tried.get(i - 1).arrivedNanos()) / 1_000_000);
        }
        for (int i = 0; i < gaps.size(); i++) {
            long least = (long) (WebhookProfile.RETRY_BASE_MILLIS * 0.75 * (1L << i));
            assertTrue(gaps.get(i) >= least - 10, "retry " + (i + 1) + " waited " + gaps + " ms, at least " + least);
            if (i > 0) {
                assertTrue(gaps.get(i) > gaps.get(i - 1), "each wait longer than the one before: " + gaps);
            }
        }
    }

    @Test
    void concurrentDeliverersNeverDeliverOneEventTwiceOrAtOnce() {
        receiver.delay(Duration.ofMillis(100));
        receiver.stop(); // let a backlog build
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestUser user = TestUsers.register();
            users.add(user);
            for (int j = 0; j < 3; j++) {
                AdminApi.patch(user.id(), "{\"roles\":[\"r" + j + "\"]}").then().statusCode(200);
            }
        }
        receiver.start();
        // the instance's own poller, and four more deliverers, as other instances would be
        Concurrently.run(4, () -> {
            int delivered = 0;
            while (db.count("SELECT count(*) FROM event_outbox") > 0) {
                delivered += delivery.deliverDue();
            }
            return delivered;
        });
        for (TestUser user : users) {
            List<Attempt> events = receiver.await(ofUser(user.id()), 4, WITHIN);
            assertEquals(List.of("user.registered", "user.roles_changed", "user.roles_changed", "user.roles_changed"),
                    events.stream().map(Attempt::type).toList(), "in order per user");
            assertEquals("[\"r2\"]", events.get(3).data().path("roles").toString());
        }
        List<Attempt> all = receiver.delivered(a -> true);
        assertEquals(all.size(), new HashSet<>(all.stream().map(Attempt::id).toList()).size(), "none twice");
        assertEquals(0, receiver.overlaps(), "no event in two deliveries at the same time");
    }

    @Test
    void aReceiverThatNeverAnswersSlowsNoRequest() {
        TestUser user = TestUsers.register();
        receiver.await(ofUser(user.id()), 1, WITHIN);
        // blocks of logins, alternating: the receiver answering at once, and never answering while
        // events for it keep coming (each delivery then hangs for the whole timeout); alternating
        // spreads the shared machine's noise over both
        List<Long> healthy = new ArrayList<>();
        List<Long> hanging = new ArrayList<>();
        for (int block = 0; block < 6; block++) {
            boolean hang = block % 2 == 1;
            receiver.answer(id -> hang ? 0 : 200);
            for (int i = 0; i < 5; i++) {
                AdminApi.patch(user.id(), "{\"roles\":[\"b" + block + "-" + i + "\"]}").then().statusCode(200);
                long start = System.nanoTime();
                TestUsers.login(user);
                (hang ? hanging : healthy).add((System.nanoTime() - start) / 1000);
            }
        }
        assertTrue(receiver.attempts().stream().anyMatch(a -> a.answered() == 0), "deliveries were hanging");
        double healthyMedian = median(healthy);
        double hangingMedian = median(hanging);
        System.out.printf("login median with a receiver answering at once %.1f ms, with one that never answers %.1f ms%n",
                healthyMedian, hangingMedian);
        assertTrue(hangingMedian < healthyMedian * 1.5 + 20,
                "a hanging receiver added to logins: " + healthyMedian + " -> " + hangingMedian);
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theResetTokenIsNotInAnyDumpWhileItWaits() throws Exception {
        TestUser user = TestUsers.register();
        receiver.await(ofUser(user.id()), 1, WITHIN);
        receiver.answer(id -> 503);
        given().contentType(ContentType.JSON).body(Map.of("username", user.username()))
                .post("/auth/password-reset/request").then().statusCode(202);
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (receiver.attempts().stream().noneMatch(a -> a.type().equals("user.password_reset_requested"))) {
            assertTrue(System.nanoTime() < deadline, "the reset event was attempted");
            sleep(20);
        }
        Attempt attempt = receiver.attempts().stream().filter(a -> a.type().equals("user.password_reset_requested"))
                .findFirst().orElseThrow();
        String token = attempt.data().path("reset_token").asText();
        assertTrue(token.length() >= 40);
        String schema = (String) db.single("SELECT current_schema()");
        String dump = pgDump(schema);
        assertTrue(dump.contains(attempt.id()), "the dump holds the waiting event");
        assertFalse(dump.contains(token), "but not its reset token");
        assertFalse(dump.contains(token.substring(0, 16)), "not even a part of it");

        receiver.answer(id -> 200);
        receiver.await(ofUser(user.id()).and(a -> a.type().equals("user.password_reset_requested")), 1, WITHIN);
        long gone = System.nanoTime() + WITHIN.toNanos();
        while (db.count("SELECT count(*) FROM event_outbox WHERE id = ?::uuid", attempt.id()) > 0) {
            assertTrue(System.nanoTime() < gone, "delivered: gone, with its encrypted secret");
            sleep(20);
        }
    }

    @Test
    void eventsThatCannotBeDeliveredAreGivenUp() {
        double before = metric("latchkey_events_given_up_total");
        TestUser user = TestUsers.register();
        receiver.await(ofUser(user.id()), 1, WITHIN);
        UUID stale = UUID.randomUUID();
        UUID sealedElsewhere = UUID.randomUUID();
        // one that happened more than 24 hours ago, and one whose secret no key here opens
        db.update("INSERT INTO event_outbox (id, type, user_id, occurred_at, payload, next_attempt_at)"
                + " VALUES (?, 'user.enabled', ?, now() - interval '25 hours', '{}', now())", stale,
                UUID.fromString(user.id()));
        db.update("INSERT INTO event_outbox (id, type, user_id, occurred_at, payload, secret, next_attempt_at)"
                + " VALUES (?, 'user.password_reset_requested', ?, now(), '{}', ?, now())", sealedElsewhere,
                UUID.fromString(user.id()), new byte[64]);
        receiver.answer(id -> id.equals(stale.toString()) ? 500 : 200);
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (db.count("SELECT count(*) FROM event_outbox WHERE user_id = ?", UUID.fromString(user.id())) > 0) {
            assertTrue(System.nanoTime() < deadline, "given up in time");
            sleep(20);
        }
        assertEquals(1, receiver.attempts().stream().filter(a -> a.id().equals(stale.toString())).count(),
                "tried once, then given up: its retry period is over");
        assertTrue(receiver.attempts().stream().noneMatch(a -> a.id().equals(sealedElsewhere.toString())),
                "never sent without its secret");
        assertEquals(before + 2, metric("latchkey_events_given_up_total"));
        assertTrue(metric("latchkey_events_delivered_total") >= 1);
        assertTrue(metric("latchkey_events_written_total") >= 1);
    }

    private static double median(List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2) / 1000.0;
    }

    /** The sum of a metric's series (every type), from the Prometheus endpoint. */
    static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static String pgDump(String schema) throws Exception {
        Process dump = new ProcessBuilder("pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-n", schema, "--data-only",
                "-t", schema + ".event_outbox", "test").redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = dump.getInputStream()) {
            in.transferTo(out);
        }
        assertEquals(0, dump.waitFor(), out.toString(StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertNotNull(text);
        return text;
    }

    private static Set<String> fields(com.fasterxml.jackson.databind.JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Map<String, String> strings(Attempt event) {
        Map<String, String> values = new java.util.HashMap<>();
        event.data().fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
