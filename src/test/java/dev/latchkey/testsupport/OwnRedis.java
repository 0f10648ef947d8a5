package dev.latchkey.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A Redis server of a test's own (Debian's {@code redis-server}, no persistence, on a free port of
 * loopback), for tests that must flush, restart or replace Redis: never the shared one. The port
 * is kept in a JVM-wide system property under the server's name, so both copies of a
 * {@code @QuarkusTest} class (JUnit's class loader and Quarkus') reach the same server.
 */
public final class OwnRedis {

    private final String name;

    private OwnRedis(String name) {
        this.name = name;
    }

    /** The server called {@code name}, started on first use. */
    public static synchronized OwnRedis shared(String name) {
        OwnRedis redis = new OwnRedis(name);
        if (System.getProperty(redis.property()) == null) {
            int port = freePort();
            System.setProperty(redis.property(), Integer.toString(port));
            redis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> redis.command("SHUTDOWN", "NOSAVE")));
        }
        return redis;
    }

    private String property() {
        return "lk-test.redis." + name + ".port";
    }

    public int port() {
        return Integer.parseInt(System.getProperty(property()));
    }

    public String url() {
        return "redis://127.0.0.1:" + port();
    }

    /** Starts the server (again) on its port, empty, and waits until it answers. */
    public void start() {
        try {
            new ProcessBuilder("redis-server", "--port", Integer.toString(port()), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--daemonize", "yes", "--logfile", "")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (Debian package redis-server)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!"+PONG".equals(command("PING"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port() + " did not start");
            }
            sleep(50);
        }
    }

    /** Drops every key: what {@code FLUSHALL} on a production server does to the revocation cache. */
    public void flushAll() {
        command("FLUSHALL");
    }

    /** Stops the server without saving anything (its data is gone), then starts it again, empty. */
    public void restart() {
        command("SHUTDOWN", "NOSAVE");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (command("PING") != null && System.nanoTime() < deadline) {
            sleep(50);
        }
        start();
    }

    /** Sends one command and answers its first reply line (null if the server does not answer). */
    public String command(String... words) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(5000);
            StringBuilder request = new StringBuilder("*").append(words.length).append("\r\n");
            for (String word : List.of(words)) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word)
                        .append("\r\n");
            }
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            StringBuilder line = new StringBuilder();
            for (int c; (c = socket.getInputStream().read()) >= 0 && c != '\r';) {
                line.append((char) c);
            }
            return line.length() == 0 ? null : line.toString();
        } catch (IOException e) {
            return null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
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
