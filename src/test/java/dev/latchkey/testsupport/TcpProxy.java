package dev.latchkey.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * A TCP proxy in front of PostgreSQL or Redis that a test can freeze (stop forwarding bytes,
 * leaving requests hanging mid-conversation), cut (drop every connection and refuse new ones),
 * slow down (every chunk forwarded late), point at another server (a failover), and restore, to
 * prove what the service does when a dependency disappears, crawls or changes mid-flight.
 * <p>
 * {@code @QuarkusTest} loads test classes twice (JUnit's class loader and Quarkus'), so a proxy
 * is registered once, by name, in the JVM-wide platform MBean server, and both copies of the test
 * class steer that one proxy (the one the application connects to) through it.
 */
public final class TcpProxy {

    private final ObjectName name;

    private TcpProxy(ObjectName name) {
        this.name = name;
    }

    /** The proxy called {@code name}, started on first use, forwarding to {@code targetPort} on loopback. */
    public static TcpProxy shared(String name, int targetPort) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName objectName = new ObjectName("dev.latchkey.test:type=TcpProxy,name=" + name);
            synchronized (server) {
                if (!server.isRegistered(objectName)) {
                    Engine engine = Engine.start(targetPort);
                    server.registerMBean(new StandardMBean(engine::command, Control.class), objectName);
                }
            }
            return new TcpProxy(objectName);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The management interface, with JDK types only so any class loader can call it. */
    public interface Control {
        Object command(String command);
    }

    private Object control(String command) {
        try {
            return ManagementFactory.getPlatformMBeanServer().invoke(name, "command", new Object[] { command },
                    new String[] { String.class.getName() });
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return (Integer) control("port");
    }

    /** Stops forwarding in both directions; connections stay open and hang. */
    public void freeze() {
        control("freeze");
    }

    /** Drops every connection (frozen ones too) and refuses new ones until {@link #restore()}. */
    public void cut() {
        control("cut");
    }

    /** Forwards again, without delay. */
    public void restore() {
        control("restore");
    }

    /** Forwards every chunk of bytes, both ways, {@code delay} late. */
    public void delay(java.time.Duration delay) {
        control("delay:" + delay.toMillis());
    }

    /**
     * Arms a one-shot fault: the next client message that contains a PostgreSQL {@code COMMIT} is
     * forwarded, then that client's connection is dropped before the answer can reach it. The
     * server commits; the client never learns it did.
     */
    public void dropTheAnswerToTheNextCommit() {
        control("drop-after-commit");
    }

    /**
     * A failover: drops every connection, and forwards new ones to {@code targetPort} (another
     * server on loopback) from now on.
     */
    public void retarget(int targetPort) {
        control("retarget:" + targetPort);
    }

    private static final class Engine {

        private volatile int targetPort;
        private volatile long delayMillis;
        private final java.util.concurrent.atomic.AtomicBoolean dropAfterCommit = new java.util.concurrent.atomic.AtomicBoolean();
        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final Object gate = new Object();
        private volatile boolean frozen;
        private volatile boolean cut;

        private Engine(int targetPort) throws IOException {
            this.targetPort = targetPort;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "tcp-proxy-" + targetPort);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static Engine start(int targetPort) {
            try {
                return new Engine(targetPort);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        Object command(String command) {
            if (command.startsWith("delay:")) {
                delayMillis = Long.parseLong(command.substring(6));
                return null;
            }
            if (command.startsWith("retarget:")) {
                targetPort = Integer.parseInt(command.substring(9));
                for (Socket socket : sockets) {
                    closeQuietly(socket);
                }
                sockets.clear();
                return null;
            }
            switch (command) {
                case "drop-after-commit":
                    dropAfterCommit.set(true);
                    return null;
                case "port":
                    return server.getLocalPort();
                case "freeze":
                    frozen = true;
                    return null;
                case "cut":
                    cut();
                    return null;
                case "restore":
                    restore();
                    return null;
                default:
                    throw new IllegalArgumentException(command);
            }
        }

        void cut() {
            cut = true;
            for (Socket socket : sockets) {
                closeQuietly(socket);
            }
            sockets.clear();
            synchronized (gate) {
                frozen = false;
                gate.notifyAll();
            }
        }

        void restore() {
            synchronized (gate) {
                cut = false;
                frozen = false;
                delayMillis = 0;
                gate.notifyAll();
            }
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    if (cut) {
                        closeQuietly(client);
                        continue;
                    }
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    sockets.add(client);
                    sockets.add(upstream);
                    java.util.concurrent.atomic.AtomicBoolean muted = new java.util.concurrent.atomic.AtomicBoolean();
                    pump(client, upstream, true, muted);
                    pump(upstream, client, false, muted);
                } catch (IOException e) {
                    // server closed, or upstream refused: the client sees its connection drop
                }
            }
        }

        private void pump(Socket from, Socket to, boolean fromClient, java.util.concurrent.atomic.AtomicBoolean muted) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16384];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buffer)) >= 0;) {
                        waitWhileFrozen();
                        if (delayMillis > 0) {
                            Thread.sleep(delayMillis);
                        }
                        if (cut) {
                            break;
                        }
                        boolean commitToDrop = fromClient && containsCommit(buffer, n)
                                && dropAfterCommit.compareAndSet(true, false);
                        if (commitToDrop) {
                            muted.set(true); // from now on nothing the server says reaches this client
                        }
                        if (!fromClient && muted.get()) {
                            continue;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                        if (commitToDrop) {
                            Thread.sleep(200); // the server reads and commits; its answer goes nowhere
                            break;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // connection dropped
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "tcp-proxy-pump");
            thread.setDaemon(true);
            thread.start();
        }

        private static boolean containsCommit(byte[] buffer, int length) {
            byte[] commit = "COMMIT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            outer: for (int i = 0; i + commit.length <= length; i++) {
                for (int j = 0; j < commit.length; j++) {
                    if (buffer[i + j] != commit[j]) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }

        private void waitWhileFrozen() throws InterruptedException {
            synchronized (gate) {
                while (frozen && !cut) {
                    gate.wait();
                }
            }
        }

        private static void closeQuietly(java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
