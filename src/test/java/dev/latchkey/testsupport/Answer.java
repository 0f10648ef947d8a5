package dev.latchkey.testsupport;

import java.util.List;

/** An HTTP answer, whether it came through REST Assured or {@link RawHttp}: what the assertions need. */
public interface Answer {

    int status();

    /** The first value of this header (case-insensitive), or null. */
    String header(String name);

    /** Every value of this header (case-insensitive), maybe none. */
    List<String> headers(String name);

    String body();

    /** One line for assertion messages: status, the headers that matter, and the start of the body. */
    default String describe() {
        String body = body() == null ? "" : body();
        return "HTTP " + status() + " Content-Type=" + header("Content-Type") + " Content-Length=" + header("Content-Length")
                + " WWW-Authenticate=" + header("WWW-Authenticate") + " Cache-Control=" + header("Cache-Control")
                + " Retry-After=" + header("Retry-After") + " Set-Cookie=" + headers("Set-Cookie")
                + " body=" + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }

    static Answer of(io.restassured.response.Response response) {
        String body = response.asString();
        return new Answer() {
            @Override
            public int status() {
                return response.statusCode();
            }

            @Override
            public String header(String name) {
                return response.header(name);
            }

            @Override
            public List<String> headers(String name) {
                return response.headers().getValues(name);
            }

            @Override
            public String body() {
                return body;
            }
        };
    }
}
