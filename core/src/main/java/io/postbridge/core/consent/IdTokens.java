package io.postbridge.core.consent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a claim of an id_token received straight from the token endpoint over TLS (OpenID Connect Core 3.1.3.7
 * lets a client skip the signature check then). Only the tenant id is read this way; who the user is comes from
 * userinfo / Graph /me.
 */
final class IdTokens {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IdTokens() {
    }

    static Optional<String> claim(String idToken, String name) {
        String[] parts = idToken.split("\\.");
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            JsonNode payload = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return Optional.of(payload.path(name).asText("")).filter(v -> !v.isEmpty());
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
