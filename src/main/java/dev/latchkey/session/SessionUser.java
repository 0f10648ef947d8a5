package dev.latchkey.session;

import java.util.List;
import java.util.UUID;

/** What an access token says about its user: id, username and roles. */
public record SessionUser(UUID id, String username, List<String> roles) {
}
