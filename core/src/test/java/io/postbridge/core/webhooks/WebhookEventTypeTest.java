package io.postbridge.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;

/** The catalogue: every mail event reaches subscribers as exactly one dotted webhook type, in the spec's body shape. */
class WebhookEventTypeTest {

    @Test
    void everyMailEventTypeHasExactlyOneWebhookType() {
        for (MailEventType mailEvent : MailEventType.values()) {
            assertThat(WebhookEventType.of(mailEvent)).as(mailEvent + " needs a webhook type in WebhookEventType").isPresent();
            assertThat(Arrays.stream(WebhookEventType.values()).filter(t -> t.mailEventType().equals(Optional.of(mailEvent)))).hasSize(1);
        }
        assertThat(Arrays.stream(WebhookEventType.values()).map(WebhookEventType::type))
            .doesNotHaveDuplicates().allMatch(type -> type.matches("[a-z]+\\.[a-z_]+"));
    }

    @Test
    void theIssuesEventsAreInTheCatalogue() {
        assertThat(Arrays.stream(WebhookEventType.values()).map(WebhookEventType::type)).contains("message.received",
            "message.delivered", "message.deferred", "message.bounced", "message.complained", "recipient.suppressed",
            "account.reconsent_required", "account.connected", "account.reconnected");
    }

    @Test
    void thePayloadIsTypeTimestampAndData() throws Exception {
        MailEvent event = MailEvent.builder(MailEventType.DEFERRED, "Mail1").at(Instant.parse("2026-12-01T10:00:07.120Z"))
            .messageId(Optional.of("<a1@app>")).recipients(List.of("bob@example.net")).account(Optional.of("erp"))
            .detail("421 try later; attempt 1, next in 10s").build();
        JsonNode body = new ObjectMapper().readTree(WebhookPayload.of(event));
        assertThat(body.fieldNames()).toIterable().containsExactly("type", "timestamp", "data");
        assertThat(body.path("type").asText()).isEqualTo("message.deferred");
        assertThat(body.path("timestamp").asText()).isEqualTo("2026-12-01T10:00:07.120Z");
        assertThat(body.path("data").path("sender").asText()).as("the null reverse-path").isEmpty();
        assertThat(body.path("data").path("detail").asText()).contains("next in 10s");
        assertThat(body.path("data").path("recipients").get(0).asText()).isEqualTo("bob@example.net");
    }
}
