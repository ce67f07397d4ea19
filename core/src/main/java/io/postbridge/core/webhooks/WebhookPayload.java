package io.postbridge.core.webhooks;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.events.MailEvent;

/** The Standard Webhooks body {@code {"type", "timestamp", "data"}} and the message ids ({@code webhook-id}). */
public final class WebhookPayload {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookPayload() {
    }

    /** {@code msg_} and 22 url-safe characters: unique, and free of the '.' the signed content separates with. */
    public static String newMessageId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return "msg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The body reporting a mail event; the same bytes go to every endpoint and every attempt. */
    public static String of(MailEvent event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("mail", event.getMailName());
        data.put("messageId", event.getMessageId().orElse(null));
        data.put("sender", event.getSender().orElse(""));
        data.put("recipients", event.getRecipients());
        data.put("account", event.getAccount().orElse(null));
        data.put("detail", event.getDetail().orElse(null));
        data.put("event", event.getType().wireName());
        // the structured fields of the type (docs/webhooks.md "Payload per type"); they never replace the common ones
        event.getData().forEach(data::putIfAbsent);
        return body(WebhookEventType.of(event.getType())
            .orElseThrow(() -> new IllegalArgumentException("no webhook type reports " + event.getType())), event.getAt(), data);
    }

    /** The body of a test delivery sent on demand. */
    public static String test(WebhookEndpoint endpoint, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("endpoint", endpoint.id());
        data.put("account", endpoint.account().orElse(null));
        data.put("detail", "a test delivery requested through WebAdmin");
        return body(WebhookEventType.TEST, now, data);
    }

    private static String body(WebhookEventType type, Instant at, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.type());
        body.put("timestamp", at.toString());
        body.put("data", data);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
