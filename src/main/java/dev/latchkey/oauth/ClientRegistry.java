package dev.latchkey.oauth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.latchkey.config.InputLimits;
import dev.latchkey.config.LatchkeyConfig;
import dev.latchkey.crypto.Sha256;
import dev.latchkey.error.ErrorCode;
import dev.latchkey.error.LatchkeyException;
import io.quarkus.runtime.Startup;

/**
 * The OAuth 2.0 clients: confidential ones from {@code latchkey.clients.*} (HTTP Basic, secrets
 * compared in constant time over their SHA-256, so neither content nor length leaks), and the
 * public client id of the first-party apps ({@code latchkey.public-client-id}).
 */
@Startup
@ApplicationScoped
public class ClientRegistry {

    public static final int MIN_SECRET_LENGTH = 32;
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    /** The scope of the admin API: only a confidential client configured with it may ask for it. */
    public static final String ADMIN_SCOPE = "latchkey:admin";

    /** A confidential client as configured. */
    public record Client(String id, byte[] secretHash, Set<String> grants, Set<String> scopes) {
        public boolean mayUse(String grant) {
            return grants.contains(grant);
        }
    }

    private static final java.util.regex.Pattern CLIENT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final byte[] NO_SUCH_CLIENT = Sha256.of("no such client, but compare anyway");

    private final Map<String, Client> clients;
    private final String publicClientId;

    public ClientRegistry(LatchkeyConfig config) {
        Map<String, Client> byId = new HashMap<>();
        for (Map.Entry<String, LatchkeyConfig.Client> entry : config.clients().entrySet()) {
            String id = entry.getKey();
            LatchkeyConfig.Client client = entry.getValue();
            if (!CLIENT_ID.matcher(id).matches()) {
                throw new IllegalStateException("latchkey.clients." + id + ": a client id is 1 to 64 letters, digits,"
                        + " '.', '_' or '-' (it names the client's keys in Redis)");
            }
            if (client.secret().length() < MIN_SECRET_LENGTH) {
                throw new IllegalStateException("latchkey.clients." + id + ".secret must have at least "
                        + MIN_SECRET_LENGTH + " characters");
            }
            if (id.equals(config.publicClientId())) {
                throw new IllegalStateException("latchkey.clients." + id + " has the public client id; choose another");
            }
            byId.put(id, new Client(id, Sha256.of(client.secret()), words(client.grants()), words(client.scopes())));
        }
        this.clients = Map.copyOf(byId);
        this.publicClientId = config.publicClientId();
    }

    public String publicClientId() {
        return publicClientId;
    }

    /** Every scope some client may ask for (for discovery). */
    public Set<String> allScopes() {
        Set<String> all = new LinkedHashSet<>();
        clients.values().forEach(c -> all.addAll(c.scopes()));
        return all;
    }

    /**
     * True if this confidential client is configured with the admin scope now: removing the scope
     * from its configuration stops its tokens at the next restart, before they expire.
     */
    public boolean mayAdminister(String clientId) {
        Client client = clientId == null ? null : clients.get(clientId);
        return client != null && client.scopes().contains(ADMIN_SCOPE);
    }

    /** Client credentials as sent in an {@code Authorization: Basic} header. */
    public record BasicCredentials(String id, String secret) {
        @Override
        public String toString() {
            return "BasicCredentials[" + id + "]"; // never the secret
        }
    }

    /** The credentials of an {@code Authorization: Basic} header; empty if the header is not Basic at all. */
    public static Optional<BasicCredentials> parseBasic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidClient();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || decoded.length() > InputLimits.TOKEN) {
            throw invalidClient();
        }
        // RFC 6749 §2.3.1: both parts are form-urlencoded before base64
        return Optional.of(new BasicCredentials(formDecode(decoded.substring(0, colon)),
                formDecode(decoded.substring(colon + 1))));
    }

    /** The configured client these credentials prove, or 401 {@code invalid_client}. */
    public Client authenticate(BasicCredentials credentials) {
        String id = credentials.id();
        String secret = credentials.secret();
        Client client = clients.get(id);
        boolean matches = Sha256.same(client == null ? NO_SUCH_CLIENT : client.secretHash(), Sha256.of(secret));
        if (client == null || !matches) {
            throw invalidClient();
        }
        return client;
    }

    /** 401 {@code invalid_client} with a Basic challenge (RFC 6749 §5.2). */
    public static LatchkeyException invalidClient() {
        return new LatchkeyException(ErrorCode.INVALID_CLIENT, "client authentication failed");
    }

    private static String formDecode(String value) {
        try {
            return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidClient();
        }
    }

    private static Set<String> words(Optional<List<String>> values) {
        Set<String> words = new LinkedHashSet<>();
        values.orElse(List.of()).forEach(v -> {
            for (String word : v.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        });
        return java.util.Collections.unmodifiableSet(words); // keeps the configured order
    }
}
