package dev.latchkey.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real webhook receiver for the tests: the JDK's HTTP server on a free port, recording every
 * delivery attempt (headers, body, arrival time, and whether the independent Standard Webhooks
 * verifier, {@code com.standardwebhooks:standardwebhooks}, accepts its signature). What it answers
 * is set by {@link #answer}; {@link #stop()} and {@link #start()} take it off and on the network
 * ({@link #reset()} starts it: a test calls it first).
 */
public final class WebhookReceiver {

    /** One shared receiver: the test profile's configuration names its port before Quarkus starts. */
    public static final WebhookReceiver SHARED = new WebhookReceiver();

    /** An attempt as the receiver saw it. */
    public record Attempt(String id, long timestamp, String signature, String body, JsonNode json, long arrivedNanos,
            boolean signatureValid, int answered) {
        public String type() {
            return json.path("type").asText();
        }

        public JsonNode data() {
            return json.path("data");
        }
    }

    private static final String PORT_PROPERTY = "test-webhook-receiver.port";
    private static final String SECRET_PROPERTY = "test-webhook-receiver.secret";
    private static final String STOP_PATH = "/receiver/stop";

    private final int port;
    private final String secret;
    private final Webhook verifier;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger overlaps = new AtomicInteger();
    private volatile Function<String, Integer> answer = id -> 200;
    private volatile Duration delay = Duration.ZERO;
    private HttpServer server;

    private WebhookReceiver() {
        // The test profile (which names the URL and secret before Quarkus starts) and the tests
        // see this class through different class loaders, so each has its own SHARED: they agree
        // on the port and the secret through system properties, and only the tests' one listens.
        synchronized (System.getProperties()) {
            if (System.getProperty(PORT_PROPERTY) == null) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                try (ServerSocket probe = new ServerSocket(0)) {
                    System.setProperty(PORT_PROPERTY, Integer.toString(probe.getLocalPort()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                System.setProperty(SECRET_PROPERTY, "whsec_" + Base64.getEncoder().encodeToString(key));
            }
            this.port = Integer.parseInt(System.getProperty(PORT_PROPERTY));
            this.secret = System.getProperty(SECRET_PROPERTY);
        }
        this.verifier = new Webhook(secret);
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hooks/latchkey";
    }

    public String secret() {
        return secret;
    }

    /** Takes the receiver on the network (on its port), answering as {@link #answer} says. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        // the receiver of an earlier Quarkus application (another class loader, so another SHARED)
        // may still listen on the port: ask it to let go
        stopEarlierReceiver();
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("the receiver's port " + port + " is taken", e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "webhook-receiver");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.createContext(STOP_PATH, exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            new Thread(this::stop).start();
        });
        server.start();
    }

    private void stopEarlierReceiver() {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        try {
            client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + STOP_PATH))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return; // nobody listens
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (int i = 0; i < 100; i++) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                sleep(20);
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Takes the receiver off the network: deliveries get "connection refused". */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** What to answer to an attempt, by its webhook-id (a status; 0: never answer). */
    public void answer(Function<String, Integer> answer) {
        this.answer = answer;
    }

    /** How long to take before answering. */
    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Back to answering 200 at once, on the network, with nothing recorded. */
    public void reset() {
        answer = id -> 200;
        delay = Duration.ZERO;
        start();
        attempts.clear();
        overlaps.set(0);
    }

    public List<Attempt> attempts() {
        return new ArrayList<>(attempts);
    }

    /** The attempts answered 2xx that match, in arrival order. */
    public List<Attempt> delivered(Predicate<Attempt> which) {
        return attempts.stream().filter(a -> a.answered() / 100 == 2).filter(which).toList();
    }

    /** Attempts of one webhook-id that were in progress at the same time. */
    public int overlaps() {
        return overlaps.get();
    }

    /** Waits until {@code count} matching events were delivered; fails after {@code within}. */
    public List<Attempt> await(Predicate<Attempt> which, int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<Attempt> delivered = delivered(which);
            if (delivered.size() >= count) {
                return delivered;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " deliveries within " + within + ", got "
                        + delivered.size() + " (all attempts: " + attempts.size() + ")");
            }
            sleep(20);
        }
    }

    /** Events of one user, by the user_id of their data. */
    public static Predicate<Attempt> ofUser(String userId) {
        return a -> userId.equals(a.data().path("user_id").asText());
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.nanoTime();
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        AtomicInteger running = inFlight.computeIfAbsent(String.valueOf(id), k -> new AtomicInteger());
        if (running.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            boolean valid;
            try {
                verifier.verify(body, HttpHeaders.of(exchange.getRequestHeaders(), (k, v) -> true));
                valid = true;
            } catch (Exception e) {
                valid = false;
            }
            if (!delay.isZero()) {
                sleep(delay.toMillis());
            }
            int status = answer.apply(id);
            String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
            attempts.add(new Attempt(id, timestamp == null ? -1 : Long.parseLong(timestamp),
                    exchange.getRequestHeaders().getFirst("webhook-signature"), body, Expect.JSON.readTree(body),
                    arrived, valid, status));
            if (status == 0) {
                sleep(60_000); // no answer (the sender gives up long before)
                return;
            }
            exchange.sendResponseHeaders(status, -1);
        } finally {
            running.decrementAndGet();
            exchange.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
