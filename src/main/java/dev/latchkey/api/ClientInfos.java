package dev.latchkey.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;

import dev.latchkey.audit.ClientInfo;
import io.vertx.core.http.HttpServerRequest;

/**
 * Where a request came from, as sessions, audit events and throttling record it: the client
 * address and the user agent. The address is the socket peer, or what a trusted proxy forwarded
 * when {@code quarkus.http.proxy.*} says so; a bare {@code X-Forwarded-For} changes nothing.
 */
@ApplicationScoped
public class ClientInfos {

    /** The client of this request. */
    public ClientInfo of(HttpServerRequest http) {
        String address = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return new ClientInfo(address, http.getHeader(HttpHeaders.USER_AGENT));
    }
}
