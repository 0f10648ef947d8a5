package dev.latchkey.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.restassured.RestAssured;

/**
 * HTTP/1.1 written by hand on a socket, for what a client library smooths over: chunked bodies of
 * any size, invalid bytes, repeated or oversized headers, and a chosen loopback source address
 * (127.x.y.z), so throttling tests get an address of their own that no other test shares.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** A loopback address no other test is likely to use (Linux routes all of 127/8 to lo). */
    public static String randomLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    }

    /** The answer to one request; headers given as name/value pairs, repeated names allowed. */
    public static Reply send(String fromAddress, String method, String path, List<String[]> headers, byte[] body,
            boolean chunked) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        StringBuilder text = new StringBuilder();
        text.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        if (headers.stream().noneMatch(header -> header[0].equalsIgnoreCase("Host"))) {
            text.append("Host: localhost:").append(RestAssured.port).append("\r\n");
        }
        text.append("Connection: close\r\n");
        for (String[] header : headers) {
            text.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        if (body != null) {
            text.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
        }
        text.append("\r\n");
        head.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            if (chunked) {
                for (int offset = 0; offset < body.length; offset += 1024) {
                    int length = Math.min(1024, body.length - offset);
                    head.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    head.write(body, offset, length);
                    head.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                head.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            } else {
                head.writeBytes(body);
            }
        }
        return exchange(fromAddress, head.toByteArray());
    }

    /** POST of a JSON body, from the given loopback address. */
    public static Reply postJson(String fromAddress, String path, Object body, String... extraHeaders) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] { "Content-Type", "application/json" });
        for (int i = 0; i + 1 < extraHeaders.length; i += 2) {
            headers.add(new String[] { extraHeaders[i], extraHeaders[i + 1] });
        }
        try {
            return send(fromAddress, "POST", path, headers, Expect.JSON.writeValueAsBytes(body), false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Reply login(String fromAddress, String username, String password) {
        return postJson(fromAddress, "/auth/login", Map.of("username", username, "password", password));
    }

    /** Writes the request bytes and reads until the server closes the connection. */
    public static Reply exchange(String fromAddress, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), RestAssured.port,
                InetAddress.getByName(fromAddress == null ? "127.0.0.1" : fromAddress), 0)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer (413) and close before reading everything: read what it said
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    received.write(buffer, 0, n);
                }
            } catch (IOException e) {
                if (received.size() == 0) {
                    throw e;
                }
            }
            return Reply.parse(received.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("raw HTTP exchange failed: " + e, e);
        }
    }

    /** A parsed HTTP/1.1 response. */
    public record Reply(int status, List<String[]> headerList, byte[] bodyBytes) implements Answer {

        static Reply parse(byte[] raw) {
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IllegalStateException("no complete HTTP response head in: " + text);
            }
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.add(new String[] { lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim() });
            }
            byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
            Reply partial = new Reply(status, headers, rest);
            String encoding = partial.header("Transfer-Encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                return new Reply(status, headers, dechunk(rest));
            }
            String length = partial.header("Content-Length");
            if (length != null) {
                int n = Math.min(Integer.parseInt(length.trim()), rest.length);
                return new Reply(status, headers, java.util.Arrays.copyOf(rest, n));
            }
            return partial;
        }

        private static byte[] dechunk(byte[] chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int position = 0;
            while (position < chunked.length) {
                int lineEnd = indexOf(chunked, position);
                if (lineEnd < 0) {
                    break;
                }
                String sizeLine = new String(chunked, position, lineEnd - position, StandardCharsets.ISO_8859_1);
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
                position = lineEnd + 2 + size + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] bytes, int from) {
            for (int i = from; i + 1 < bytes.length; i++) {
                if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public String header(String name) {
            for (String[] header : headerList) {
                if (header[0].equalsIgnoreCase(name)) {
                    return header[1];
                }
            }
            return null;
        }

        @Override
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String[] header : headerList) {
                if (header[0].equalsIgnoreCase(name)) {
                    values.add(header[1]);
                }
            }
            return values;
        }

        @Override
        public String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }
    }
}
