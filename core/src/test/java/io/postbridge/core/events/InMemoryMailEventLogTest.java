package io.postbridge.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class InMemoryMailEventLogTest {

    private static MailEvent event(String name, MailEventType type) {
        return new MailEvent(Instant.now(), type, name, Optional.empty(), Optional.of("a@example.com"),
            List.of("b@example.net"), Optional.empty(), Optional.empty());
    }

    private static List<String> names(List<MailEvent> events) {
        return events.stream().map(MailEvent::getMailName).collect(Collectors.toList());
    }

    @Test
    void listsNewestFirstUpToTheLimit() {
        InMemoryMailEventLog log = new InMemoryMailEventLog();
        log.record(event("m1", MailEventType.RECEIVED));
        log.record(event("m2", MailEventType.RECEIVED));
        log.record(event("m3", MailEventType.RECEIVED));

        assertThat(names(log.recent(2, Optional.empty()))).containsExactly("m3", "m2");
    }

    @Test
    void filtersByType() {
        InMemoryMailEventLog log = new InMemoryMailEventLog();
        log.record(event("m1", MailEventType.RECEIVED));
        log.record(event("m1", MailEventType.DELIVERED));

        assertThat(names(log.recent(10, Optional.of(MailEventType.DELIVERED)))).containsExactly("m1");
        assertThat(log.recent(10, Optional.of(MailEventType.BOUNCED))).isEmpty();
    }

    @Test
    void dropsTheOldestBeyondCapacity() {
        InMemoryMailEventLog log = new InMemoryMailEventLog(2);
        log.record(event("m1", MailEventType.RECEIVED));
        log.record(event("m2", MailEventType.RECEIVED));
        log.record(event("m3", MailEventType.RECEIVED));

        assertThat(names(log.recent(10, Optional.empty()))).containsExactly("m3", "m2");
    }

    @Test
    void rejectsNonsenseSizes() {
        assertThatThrownBy(() -> new InMemoryMailEventLog(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InMemoryMailEventLog().recent(-1, Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wireNamesRoundTrip() {
        for (MailEventType type : MailEventType.values()) {
            assertThat(MailEventType.fromWireName(type.wireName())).contains(type);
        }
        assertThat(MailEventType.fromWireName(" Bounce-Received ")).contains(MailEventType.BOUNCE_RECEIVED);
        assertThat(MailEventType.fromWireName("bogus")).isEmpty();
    }
}
