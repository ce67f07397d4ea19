package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * Mail events in the store: every field back as recorded, newest first, per account and type, kept across a
 * restart, and deleted after the retention. Runs on H2 and on PostgreSQL (the subclasses).
 */
public abstract class MailEventLogContract extends BackendContract {
    protected MailEventLogContract(Store store) {
        super(store);
    }

    private MailEventLog log() {
        return backend.events();
    }

    private MailEvent event(String mail, MailEventType type, String account, Instant at) {
        return MailEvent.builder(type, mail).at(at).messageId(Optional.of("<" + mail + "@test>")).sender(Optional.of("app@example.com"))
            .recipients(List.of("bob@remote.test")).account(Optional.of(account)).detail(type.wireName() + " " + mail).build();
    }

    private static List<String> mails(List<MailEvent> events) {
        return events.stream().map(e -> e.getMailName() + ":" + e.getType().wireName()).collect(Collectors.toList());
    }

    @Test
    void everyFieldComesBackAsRecorded() {
        MailEvent full = MailEvent.builder(MailEventType.DELIVERED, "Mail1732184130-42").at(clock.instant())
            .messageId(Optional.of("<ünïcode-1@example.com>")).sender(Optional.of("app@example.com"))
            .recipients(List.of("bob@remote.test", "carol@remote.test")).account(Optional.of("erp"))
            .detail("via gmail API, provider message id 18c000000a1 — ok").build();
        MailEvent bare = MailEvent.builder(MailEventType.BOUNCE_RECEIVED, "Mail2").at(clock.instant().plusMillis(1)).build();
        log().record(full);
        log().record(bare);

        List<MailEvent> events = log().recent(10, Optional.empty());
        assertThat(events).hasSize(2);
        assertThat(events.get(0).toString()).isEqualTo(bare.toString());
        assertThat(events.get(0).getSender()).isEmpty();
        assertThat(events.get(0).getMessageId()).isEmpty();
        assertThat(events.get(0).getAccount()).isEmpty();
        MailEvent back = events.get(1);
        assertThat(back.getAt()).isEqualTo(full.getAt());
        assertThat(back.getType()).isEqualTo(MailEventType.DELIVERED);
        assertThat(back.getMailName()).isEqualTo("Mail1732184130-42");
        assertThat(back.getMessageId()).contains("<ünïcode-1@example.com>");
        assertThat(back.getSender()).contains("app@example.com");
        assertThat(back.getRecipients()).containsExactly("bob@remote.test", "carol@remote.test");
        assertThat(back.getAccount()).contains("erp");
        assertThat(back.getDetail()).contains("via gmail API, provider message id 18c000000a1 — ok");
    }

    @Test
    void newestFirstAndEventsOfTheSameMillisecondInTheOrderTheyHappened() {
        Instant now = clock.instant();
        log().record(event("m1", MailEventType.RECEIVED, "erp", now));
        log().record(event("m1", MailEventType.QUEUED, "erp", now));
        log().record(event("m1", MailEventType.DELIVERED, "erp", now.plusMillis(5)));
        log().record(event("m0", MailEventType.RECEIVED, "erp", now.minusSeconds(60)));
        assertThat(mails(log().recent(10, Optional.empty()))).containsExactly("m1:delivered", "m1:queued", "m1:received", "m0:received");
        assertThat(mails(log().recent(2, Optional.empty()))).containsExactly("m1:delivered", "m1:queued");
    }

    @Test
    void listsOneAccountsEventsOfOneTypeEvenWhenOtherAccountsAreBusier() {
        Instant now = clock.instant();
        log().record(event("quiet-1", MailEventType.DELIVERED, "quiet", now));
        log().record(event("quiet-2", MailEventType.BOUNCED, "quiet", now.plusMillis(1)));
        for (int i = 0; i < 300; i++) {
            log().record(event("busy-" + i, MailEventType.DELIVERED, "busy", now.plusMillis(10 + i)));
        }
        assertThat(mails(log().recent(100, Optional.empty(), Optional.of("quiet")))).containsExactly("quiet-2:bounced", "quiet-1:delivered");
        assertThat(mails(log().recent(100, Optional.of(MailEventType.DELIVERED), Optional.of("quiet")))).containsExactly("quiet-1:delivered");
        assertThat(log().recent(100, Optional.empty(), Optional.of("nobody"))).isEmpty();
        assertThat(log().recent(50, Optional.of(MailEventType.DELIVERED), Optional.of("busy"))).hasSize(50)
            .allMatch(e -> e.getAccount().equals(Optional.of("busy")));
        assertThat(log().recent(100, Optional.of(MailEventType.BOUNCED))).extracting(MailEvent::getMailName).containsExactly("quiet-2");
    }

    @Test
    void eventsSurviveARestart() {
        log().record(event("m1", MailEventType.QUEUED, "erp", clock.instant()));
        log().record(event("m1", MailEventType.DEFERRED, "erp", clock.instant().plusMillis(1)));
        restart(Map.of());
        assertThat(mails(log().recent(10, Optional.empty(), Optional.of("erp")))).containsExactly("m1:deferred", "m1:queued");
    }

    @Test
    void eventsOlderThanTheRetentionAreDeletedAtMostHourly() {
        Instant now = clock.instant();
        log().record(event("old", MailEventType.DELIVERED, "erp", now.minus(Duration.ofDays(31))));
        log().record(event("recent", MailEventType.DELIVERED, "erp", now.minus(Duration.ofDays(29))));
        assertThat(mails(log().recent(10, Optional.empty()))).as("the default keeps 30 days").containsExactly("recent:delivered");

        // within the hour after a clean-up, recording does not delete again (the clean-up costs one query an hour)
        log().record(event("older", MailEventType.DELIVERED, "erp", now.minus(Duration.ofDays(40))));
        assertThat(mails(log().recent(10, Optional.empty()))).contains("older:delivered");

        clock.advance(Duration.ofDays(2)); // "recent" is now 31 days old
        log().record(event("new", MailEventType.DELIVERED, "erp", clock.instant()));
        assertThat(mails(log().recent(10, Optional.empty()))).containsExactly("new:delivered");
    }

    @Test
    void theRetentionIsConfigurable() {
        restart(Map.of(PostbridgeSettings.EVENTS_RETENTION, "2d"));
        Instant now = clock.instant();
        log().record(event("three-days", MailEventType.DELIVERED, "erp", now.minus(Duration.ofDays(3))));
        log().record(event("one-day", MailEventType.DELIVERED, "erp", now.minus(Duration.ofDays(1))));
        assertThat(mails(log().recent(10, Optional.empty()))).containsExactly("one-day:delivered");
    }

    @Test
    void oversizedValuesAreShortenedNotRefused() {
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            recipients.add("recipient-number-" + i + "@a-rather-long-domain-name.example.com");
        }
        log().record(MailEvent.builder(MailEventType.QUEUED, "m".repeat(800)).at(clock.instant())
            .messageId(Optional.of("<" + "x".repeat(2000) + ">")).sender(Optional.of("app@example.com")).recipients(recipients)
            .account(Optional.of("erp")).detail("d".repeat(10_000)).build());
        MailEvent back = log().recent(1, Optional.empty()).get(0);
        assertThat(back.getRecipients().get(0)).isEqualTo("recipient-number-0@a-rather-long-domain-name.example.com");
        assertThat(back.getRecipients().get(back.getRecipients().size() - 1)).matches("\\.\\.\\. and \\d+ more");
        assertThat(back.getDetail().orElseThrow()).hasSize(4000).endsWith("...");
        assertThat(back.getMailName()).hasSize(500);
    }
}
