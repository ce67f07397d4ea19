package io.postbridge.core.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.RecipientOutcomes;
import io.postbridge.core.fakes.FakeUpstream;

/** Route choice: account upstream, fallback policies, server-wide relay, direct MX per recipient domain; settings checks. */
class SmtpDeliveryAgentTest {
    private final FakeUpstream upstream = FakeUpstream.startPlain();
    private final FakeUpstream relay = FakeUpstream.startPlain();
    private final SmtpConnectionPool pool = new SmtpConnectionPool(SmtpPoolSettings.defaults().maxIdle(Duration.ofMinutes(1)));
    private final SmtpSender sender = new SmtpSender(pool);


    @AfterEach
    void close() throws Exception {
        pool.close();
        upstream.close();
        relay.close();
    }

    private SmtpDeliveryAgent throughRelay() {
        return new SmtpDeliveryAgent(sender, noDns(), 25, List.of(SmtpRoute.smarthost("127.0.0.1", relay.port(), SmtpSecurity.PLAINTEXT,
            Optional.empty(), Optional.empty())), new InMemoryProviderAccounts(), java.time.Clock.systemUTC());
    }

    private static MailExchangers noDns() {
        return new MailExchangers() {
            @Override
            public List<String> mailExchangers(String domain) {
                return List.of();
            }

            @Override
            public List<String> addresses(String host) {
                return List.of();
            }
        };
    }

    private SmtpRoute upstreamRoute() {
        return SmtpRoute.upstream("acct", "127.0.0.1", upstream.port(), SmtpSecurity.PLAINTEXT, Optional.empty(), Optional.empty());
    }

    private static OutgoingMail mail(String... recipients) {
        return new OutgoingMail("m", Optional.of("app@example.com"), List.of(recipients),
            "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anAccountWithoutUpstreamUsesTheServerWideRelayUnlessItsPolicyIsNever() {
        RecipientOutcomes outcomes = throughRelay().deliver(Optional.empty(), SmtpDeliveryAgent.Fallback.WHEN_UNSET, mail("bob@remote.test"));
        assertThat(outcomes.recipients(DeliveryOutcome.Kind.DELIVERED)).containsExactly("bob@remote.test");
        assertThat(relay.received()).hasSize(1);

        RecipientOutcomes never = throughRelay().deliver(Optional.empty(), SmtpDeliveryAgent.Fallback.NEVER, mail("bob@remote.test"));
        assertThat(never.recipients(DeliveryOutcome.Kind.TRANSIENT)).containsExactly("bob@remote.test");
        assertThat(never.byRecipient().get("bob@remote.test").detail()).contains("'never'");
        assertThat(relay.received()).hasSize(1);
    }

    @Test
    void theAccountsDefaultRelayTakesAccountMailWhileMailOfNoAccountKeepsTheServerWideRoute() {
        SmtpDeliveryAgent agent = new SmtpDeliveryAgent(sender, noDns(), 25, List.of(), List.of(SmtpRoute.smarthost("127.0.0.1",
            relay.port(), SmtpSecurity.PLAINTEXT, Optional.empty(), Optional.empty())), new InMemoryProviderAccounts(), java.time.Clock.systemUTC());
        assertThat(agent.deliverForAccount(mail("bob@remote.test")).recipients(DeliveryOutcome.Kind.DELIVERED))
            .containsExactly("bob@remote.test");
        assertThat(agent.deliver(Optional.empty(), SmtpDeliveryAgent.Fallback.WHEN_UNSET, mail("carol@remote.test"))
            .recipients(DeliveryOutcome.Kind.DELIVERED)).containsExactly("carol@remote.test");
        assertThat(relay.received()).hasSize(2);
        // forwarded mail and DSNs: direct to MX (here: the domain has none, so it bounces), never the accounts' relay
        assertThat(agent.deliver(mail("dave@remote.test")).recipients(DeliveryOutcome.Kind.PERMANENT)).containsExactly("dave@remote.test");
        assertThat(relay.received()).hasSize(2);
    }

    @Test
    void onlyOnTemporaryFailureFallsBackToTheRelayForTheRecipientsTheUpstreamDeferred() {
        upstream.rcptReply("later@remote.test", "451 4.7.1 slow down").rcptReply("gone@remote.test", "550 5.1.1 unknown");
        RecipientOutcomes whenUnset = throughRelay().deliver(Optional.of(upstreamRoute()), SmtpDeliveryAgent.Fallback.WHEN_UNSET,
            mail("ok@remote.test", "later@remote.test", "gone@remote.test"));
        assertThat(whenUnset.recipients(DeliveryOutcome.Kind.TRANSIENT)).containsExactly("later@remote.test");
        assertThat(relay.received()).isEmpty();

        RecipientOutcomes fallback = throughRelay().deliver(Optional.of(upstreamRoute()), SmtpDeliveryAgent.Fallback.ON_TEMPORARY_FAILURE,
            mail("ok@remote.test", "later@remote.test", "gone@remote.test"));
        assertThat(fallback.recipients(DeliveryOutcome.Kind.DELIVERED)).containsExactly("ok@remote.test", "later@remote.test");
        assertThat(fallback.recipients(DeliveryOutcome.Kind.PERMANENT)).containsExactly("gone@remote.test");
        assertThat(relay.received()).singleElement().satisfies(r -> assertThat(r.recipients).containsExactly("later@remote.test"));
    }

    @Test
    void directDeliveryGoesToEachDomainsMailExchangerAndBouncesUnknownDomains() {
        MailExchangers dns = new MailExchangers() {
            @Override
            public List<String> mailExchangers(String domain) throws TemporaryFailure {
                switch (domain) {
                    case "one.test":
                        return List.of("mx.one.test");
                    case "two.test":
                        return List.of("mx.two.test");
                    case "nullmx.test":
                        return List.of(".");
                    case "flaky.test":
                        throw new TemporaryFailure("SERVFAIL", null);
                    default:
                        return List.of();
                }
            }

            @Override
            public List<String> addresses(String host) {
                return List.of("127.0.0.1");
            }
        };
        SmtpDeliveryAgent agent = new SmtpDeliveryAgent(sender, dns, upstream.port(), List.of(), new InMemoryProviderAccounts(),
            java.time.Clock.systemUTC());
        RecipientOutcomes outcomes = agent.deliver(mail("a@one.test", "b@two.test", "c@nowhere.test", "d@nullmx.test", "e@flaky.test"));
        Map<String, DeliveryOutcome> by = outcomes.byRecipient();
        assertThat(by.get("a@one.test").detail()).contains("mx mx.one.test");
        assertThat(by.get("b@two.test").detail()).contains("mx mx.two.test");
        assertThat(by.get("c@nowhere.test").status()).isEqualTo("5.1.2");
        assertThat(by.get("d@nullmx.test").status()).isEqualTo("5.1.10");
        assertThat(by.get("e@flaky.test").kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(upstream.received()).hasSize(2); // one transaction per domain
        assertThat(pool.status()).hasSize(2);
    }

    @Test
    void anUpstreamsRateLimitDefersTheMailUntilTheNextMinute() {
        io.postbridge.core.testing.MutableClock clock = new io.postbridge.core.testing.MutableClock(java.time.Instant.parse("2026-12-01T10:00:10Z"));
        SmtpDeliveryAgent agent = new SmtpDeliveryAgent(sender, noDns(), 25, List.of(), new InMemoryProviderAccounts(), clock);
        SmtpUpstream limited = SmtpUpstream.parse(Map.of("host", "127.0.0.1", "port", String.valueOf(upstream.port()),
            "security", "plaintext", "allowPlaintext", "true", "messagesPerMinute", "2"), Optional.empty());
        assertThat(agent.deliver("acct", limited, mail("a@remote.test")).recipients(DeliveryOutcome.Kind.DELIVERED)).hasSize(1);
        assertThat(agent.deliver("acct", limited, mail("b@remote.test")).recipients(DeliveryOutcome.Kind.DELIVERED)).hasSize(1);
        DeliveryOutcome third = agent.deliver("acct", limited, mail("c@remote.test")).byRecipient().get("c@remote.test");
        assertThat(third.kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(third.detail()).contains("2 messages per minute");
        assertThat(third.retryAfter()).contains(Duration.ofSeconds(50));
        assertThat(upstream.received()).hasSize(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(agent.deliver("acct", limited, mail("c@remote.test")).recipients(DeliveryOutcome.Kind.DELIVERED)).hasSize(1);
    }

    @Test
    void upstreamSettingsAreCheckedWithAClearMessage() {
        assertThatThrownBy(() -> SmtpUpstream.parse(Map.of("host", "smtp.example.com", "port", "abc"), Optional.empty()))
            .hasMessageContaining("'settings.port' must be a whole number");
        assertThatThrownBy(() -> SmtpUpstream.parse(Map.of("host", "smtp.example.com", "security", "plaintext"), Optional.empty()))
            .hasMessageContaining("allowPlaintext");
        assertThatThrownBy(() -> SmtpUpstream.parse(Map.of("host", "smtp.example.com", "security", "ssl"), Optional.empty()))
            .hasMessageContaining("starttls, tls or plaintext");
        assertThatThrownBy(() -> SmtpUpstream.parse(Map.of("host", "smtp.example.com", "fallback", "always"), Optional.empty()))
            .hasMessageContaining("when-unset, on-temporary-failure or never");
        assertThatThrownBy(() -> SmtpUpstream.parse(Map.of("hots", "smtp.example.com"), Optional.empty()))
            .hasMessageContaining("unknown smtp setting 'hots'");
        SmtpUpstream tls = SmtpUpstream.parse(Map.of("host", "smtp.example.com", "security", "tls", "username", "u"), Optional.of("s3cr3t-value"));
        assertThat(tls.route("acct").orElseThrow().port()).isEqualTo(465);
        assertThat(tls.route("acct").orElseThrow().describe()).isEqualTo("upstream smtp.example.com:465 as u (account acct)");
        assertThat(tls.toString()).doesNotContain("s3cr3t-value").contains("password set");
        assertThat(SmtpUpstream.parse(Map.of(), Optional.empty()).route("acct")).isEmpty();
        assertThatThrownBy(() -> SmtpUpstream.parse(Map.of("host", "h", "username", "u"), Optional.empty()).route("acct"))
            .hasMessageContaining("no password");
    }
}
