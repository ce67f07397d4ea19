package io.postbridge.core.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.RecipientOutcomes;
import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.core.testing.MutableClock;

/** The pool and the sender against a scriptable fake upstream: connections, AUTH, failures, bytes on the wire. */
class SmtpSenderTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private FakeUpstream upstream;
    private SmtpConnectionPool pool;

    @AfterEach
    void close() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private SmtpSender sender(SmtpPoolSettings settings) {
        pool = new SmtpConnectionPool(settings.verifiedTls(FakeUpstream.clientTrust()), clock);
        return new SmtpSender(pool);
    }

    private SmtpSender sender() {
        return sender(SmtpPoolSettings.defaults().maxIdle(Duration.ofMinutes(1)).connectionsPerRoute(1));
    }

    private SmtpRoute upstreamOf(String account, String user, String password) {
        return SmtpRoute.upstream(account, "localhost", upstream.port(), SmtpSecurity.STARTTLS, Optional.of(user), Optional.of(password));
    }

    private static OutgoingMail mail(int n, String... recipients) {
        String text = "From: app@example.com\r\nTo: " + recipients[0] + "\r\nSubject: message " + n + "\r\nMessage-ID: <m" + n
            + "@example.com>\r\n\r\nbody " + n + "\r\n.leading dot\r\n";
        return new OutgoingMail("mail-" + n, Optional.of("app@example.com"), List.of(recipients), text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void assertDelivered(RecipientOutcomes outcomes) {
        assertThat(outcomes.byRecipient().values()).allSatisfy(o -> assertThat(o.kind()).as(o.toString()).isEqualTo(DeliveryOutcome.Kind.DELIVERED));
    }

    private List<String> subjects() {
        return upstream.received().stream().map(SmtpSenderTest::subject).collect(Collectors.toList());
    }

    private static String subject(FakeUpstream.Received received) {
        return received.text().replaceAll("(?s).*Subject: ([^\r]*).*", "$1");
    }

    @Test
    void hundredMessagesOfOneAccountUseOneConnectionAndOneAuth() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "secret-a");
        SmtpSender sender = sender();
        SmtpRoute route = upstreamOf("alice", "alice", "secret-a");
        for (int i = 0; i < 100; i++) {
            assertDelivered(sender.deliver(List.of(route), mail(i, "bob@remote.test")));
        }
        assertThat(upstream.received()).hasSize(100);
        assertThat(upstream.accepts()).isEqualTo(1);
        assertThat(upstream.authSuccesses("alice")).isEqualTo(1);
        assertThat(pool.status()).singleElement().satisfies(status -> {
            assertThat(status.messagesSent()).isEqualTo(100);
            assertThat(status.connectionsOpened()).isEqualTo(1);
            assertThat(status.idle()).isEqualTo(1);
        });
    }

    @Test
    void twoAccountsNeverShareAConnectionEvenWithTheSameCredentials() throws Exception {
        upstream = FakeUpstream.withStartTls().user("shared", "pw").user("bob", "pw-b");
        SmtpSender sender = sender();
        SmtpRoute a = upstreamOf("account-a", "shared", "pw");
        SmtpRoute b = upstreamOf("account-b", "shared", "pw");
        SmtpRoute c = upstreamOf("account-c", "bob", "pw-b");
        for (int i = 0; i < 3; i++) {
            assertDelivered(sender.deliver(List.of(a), mail(i, "x@remote.test")));
            assertDelivered(sender.deliver(List.of(b), mail(10 + i, "x@remote.test")));
            assertDelivered(sender.deliver(List.of(c), mail(20 + i, "x@remote.test")));
        }
        assertThat(upstream.accepts()).isEqualTo(3);
        assertThat(upstream.authSuccesses("shared")).isEqualTo(2);
        assertThat(upstream.authSuccesses("bob")).isEqualTo(1);
        // each connection carried the mail of one account only (messages 0-2: a, 10-12: b, 20-22: c)
        assertThat(upstream.received().stream().collect(Collectors.groupingBy(r -> r.connection,
            Collectors.mapping(r -> subject(r).replace("message ", "").length() == 1 ? 0
                : Integer.parseInt(subject(r).replace("message ", "")) / 10, Collectors.toSet()))).values())
            .hasSize(3).allSatisfy(accounts -> assertThat(accounts).hasSize(1));
        assertThat(upstream.received()).filteredOn(r -> r.authenticatedAs.equals("bob")).hasSize(3);
    }

    @Test
    void afterA421TheNextMessageReconnectsAndNothingIsLostOrDuplicated() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "pw").close421AfterMessages(3);
        SmtpSender sender = sender();
        SmtpRoute route = upstreamOf("alice", "alice", "pw");
        for (int i = 0; i < 7; i++) {
            assertDelivered(sender.deliver(List.of(route), mail(i, "bob@remote.test")));
        }
        assertThat(subjects()).containsExactly("message 0", "message 1", "message 2", "message 3", "message 4", "message 5", "message 6");
        assertThat(upstream.accepts()).isEqualTo(3);
        assertThat(upstream.authSuccesses("alice")).isEqualTo(3);
    }

    @Test
    void aDroppedSocketIsReconnectedTransparently() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "pw");
        SmtpSender sender = sender();
        SmtpRoute route = upstreamOf("alice", "alice", "pw");
        assertDelivered(sender.deliver(List.of(route), mail(0, "bob@remote.test")));
        upstream.dropAll();
        assertDelivered(sender.deliver(List.of(route), mail(1, "bob@remote.test")));
        upstream.dropAfterMessages(1); // the next reuse finds the socket closed after its message
        assertDelivered(sender.deliver(List.of(route), mail(2, "bob@remote.test")));
        assertDelivered(sender.deliver(List.of(route), mail(3, "bob@remote.test")));
        assertThat(subjects()).containsExactly("message 0", "message 1", "message 2", "message 3");
        assertThat(upstream.accepts()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void idleLifetimeAndMessageCapsCloseConnectionsWithQuit() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "pw");
        SmtpSender sender = sender(SmtpPoolSettings.defaults().maxIdle(Duration.ofSeconds(30)).maxLifetime(Duration.ofMinutes(5))
            .maxMessages(3).connectionsPerRoute(1));
        SmtpRoute route = upstreamOf("alice", "alice", "pw");
        for (int i = 0; i < 7; i++) {
            assertDelivered(sender.deliver(List.of(route), mail(i, "bob@remote.test")));
        }
        assertThat(upstream.accepts()).as("3 messages per connection").isEqualTo(3);
        clock.advance(Duration.ofSeconds(31));
        assertDelivered(sender.deliver(List.of(route), mail(7, "bob@remote.test")));
        assertThat(upstream.accepts()).as("idle cap").isEqualTo(4);
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(29)); // never idle too long, but old
            assertDelivered(sender.deliver(List.of(route), mail(8 + i, "bob@remote.test")));
        }
        assertThat(upstream.accepts()).isEqualTo(4);
        clock.advance(Duration.ofMinutes(5));
        assertDelivered(sender.deliver(List.of(route), mail(10, "bob@remote.test")));
        assertThat(upstream.accepts()).as("lifetime cap").isEqualTo(5);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(upstream.quits()).isEqualTo(4));
        assertThat(upstream.received()).hasSize(11);
    }

    @Test
    void perRecipientAnswersGiveDeliveredTransientAndPermanent() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "pw")
            .rcptReply("later@remote.test", "451 4.3.0 try again later")
            .rcptReply("gone@remote.test", "550 5.1.1 no such user");
        SmtpSender sender = sender();
        RecipientOutcomes outcomes = sender.deliver(List.of(upstreamOf("alice", "alice", "pw")),
            mail(0, "ok@remote.test", "later@remote.test", "gone@remote.test"));
        assertThat(outcomes.byRecipient().get("ok@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(outcomes.byRecipient().get("ok@remote.test").detail()).contains("250 2.0.0 Ok: queued as");
        assertThat(outcomes.byRecipient().get("later@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(outcomes.byRecipient().get("later@remote.test").detail()).contains("451 4.3.0 try again later");
        DeliveryOutcome gone = outcomes.byRecipient().get("gone@remote.test");
        assertThat(gone.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(gone.status()).isEqualTo("5.1.1");
        assertThat(upstream.received()).singleElement().satisfies(r -> assertThat(r.recipients).containsExactly("ok@remote.test"));
        // the connection is still good for the next message
        assertDelivered(sender.deliver(List.of(upstreamOf("alice", "alice", "pw")), mail(1, "ok@remote.test")));
        assertThat(upstream.accepts()).isEqualTo(1);
    }

    @Test
    void wrongCredentialsAreATransientFailureNamingTheServersAnswer() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "right");
        RecipientOutcomes outcomes = sender().deliver(List.of(upstreamOf("alice", "alice", "wrong")), mail(0, "bob@remote.test"));
        DeliveryOutcome outcome = outcomes.byRecipient().get("bob@remote.test");
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(outcome.detail()).contains("refused the credentials").contains("535 5.7.8").contains("as alice");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void aChangedPasswordMakesANewConnectionAndTheOldOneDrains() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "old");
        SmtpSender sender = sender();
        SmtpRoute before = upstreamOf("alice", "alice", "old");
        assertDelivered(sender.deliver(List.of(before), mail(0, "bob@remote.test")));
        upstream.user("alice", "new");
        SmtpRoute after = upstreamOf("alice", "alice", "new");
        assertThat(after).isNotEqualTo(before);
        assertDelivered(sender.deliver(List.of(after), mail(1, "bob@remote.test")));
        pool.retire(before);
        assertThat(upstream.accepts()).isEqualTo(2);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(upstream.quits()).isEqualTo(1));
    }

    @Test
    void anUnreachableFirstMxFallsBackToTheSecond() throws Exception {
        upstream = FakeUpstream.plain();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RecipientOutcomes outcomes = sender().deliver(List.of(SmtpRoute.mx("mx1.remote.test", "127.0.0.1", closedPort),
            SmtpRoute.mx("mx2.remote.test", "127.0.0.1", upstream.port())), mail(0, "bob@remote.test"));
        assertDelivered(outcomes);
        assertThat(outcomes.byRecipient().get("bob@remote.test").detail()).contains("mx mx2.remote.test [127.0.0.1]");
        assertThat(upstream.received()).hasSize(1);
    }

    @Test
    void routesWithoutConnectionsAreForgottenAfterTheirRetentionWhileBusyOnesStay() throws Exception {
        upstream = FakeUpstream.plain();
        SmtpSender sender = sender(SmtpPoolSettings.defaults().maxIdle(Duration.ofMinutes(1)).routeRetention(Duration.ofMinutes(10)));
        List<SmtpRoute> mxHosts = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            mxHosts.add(SmtpRoute.mx("mx" + i + ".remote" + i + ".test", "127.0.0.1", upstream.port()));
        }
        for (int i = 0; i < mxHosts.size(); i++) {
            assertDelivered(sender.deliver(List.of(mxHosts.get(i)), mail(i, "bob@remote" + i + ".test")));
        }
        assertThat(pool.status()).hasSize(20);
        mxHosts.subList(1, 20).forEach(pool::retire); // their connections closed (as the idle cap does)
        clock.advance(Duration.ofMinutes(9));
        assertDelivered(sender.deliver(List.of(mxHosts.get(1)), mail(21, "bob@remote1.test"))); // used again: kept
        pool.retire(mxHosts.get(1));
        assertThat(pool.status()).as("within the retention everything is still listed").hasSize(20);

        clock.advance(Duration.ofMinutes(2));
        assertThat(pool.status()).extracting(SmtpConnectionPool.PoolStatus::destination).as("mx0 still has its open connection,"
            + " mx1 was used 2 minutes ago").containsExactly("mx mx0.remote0.test [127.0.0.1]:" + upstream.port(),
            "mx mx1.remote1.test [127.0.0.1]:" + upstream.port());
        assertThat(pool.status().get(0).open()).isEqualTo(1);

        // a forgotten route comes back with fresh counters when mail goes there again
        assertDelivered(sender.deliver(List.of(mxHosts.get(5)), mail(22, "bob@remote5.test")));
        assertThat(pool.status()).filteredOn(p -> p.destination().contains("mx5.")).singleElement()
            .satisfies(p -> assertThat(p.messagesSent()).isEqualTo(1));
    }

    @Test
    void noMxAnsweringIsTransientNamingTheLastProblem() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        RecipientOutcomes outcomes = sender().deliver(List.of(SmtpRoute.mx("mx1.remote.test", "127.0.0.1", closedPort)),
            mail(0, "bob@remote.test"));
        assertThat(outcomes.byRecipient().get("bob@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(outcomes.byRecipient().get("bob@remote.test").detail()).contains("mx1.remote.test").contains("unreachable");
    }

    @Test
    void theMessageLeavesByteForByteWithSmtpUtf8And8BitMime() throws Exception {
        upstream = FakeUpstream.withStartTls().user("alice", "pw");
        byte[] content = ("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1;\r\n\th=from:subject; b=abc\r\n"
            + "From: Jürgen <app@example.com>\r\nTo: bob@remote.test\r\nSubject: Grüße\r\nBcc: hidden@remote.test\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nSchöne Grüße\r\n.\r\n..two\r\n")
            .getBytes(StandardCharsets.UTF_8);
        String withoutBcc = new String(content, StandardCharsets.UTF_8).replace("Bcc: hidden@remote.test\r\n", "");
        RecipientOutcomes outcomes = sender().deliver(List.of(upstreamOf("alice", "alice", "pw")),
            new OutgoingMail("m", Optional.of("app@example.com"), List.of("bob@remote.test"), content));
        assertDelivered(outcomes);
        assertThat(upstream.received().get(0).content).isEqualTo(withoutBcc.getBytes(StandardCharsets.UTF_8));
        assertThat(upstream.mailFromLines().get(0)).contains("SMTPUTF8").contains("BODY=8BITMIME");
    }

    @Test
    void utf8HeadersToAServerWithoutSmtpUtf8AreRefusedRatherThanAltered() throws Exception {
        upstream = FakeUpstream.plain().withoutSmtpUtf8();
        byte[] content = "From: app@example.com\r\nSubject: Grüße\r\n\r\nhi\r\n".getBytes(StandardCharsets.UTF_8);
        RecipientOutcomes outcomes = sender().deliver(List.of(SmtpRoute.smarthost("127.0.0.1", upstream.port(), SmtpSecurity.PLAINTEXT,
            Optional.empty(), Optional.empty())), new OutgoingMail("m", Optional.empty(), List.of("bob@remote.test"), content));
        DeliveryOutcome outcome = outcomes.byRecipient().get("bob@remote.test");
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.status()).isEqualTo("5.6.7");
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void theNullSenderIsSentAsAnEmptyReversePath() throws Exception {
        upstream = FakeUpstream.plain();
        assertDelivered(sender().deliver(List.of(SmtpRoute.smarthost("127.0.0.1", upstream.port(), SmtpSecurity.PLAINTEXT,
            Optional.empty(), Optional.empty())), new OutgoingMail("m", Optional.empty(), List.of("bob@remote.test"),
            "Subject: dsn\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))));
        assertThat(upstream.mailFromLines().get(0)).startsWith("MAIL FROM:<>");
    }

    @Test
    void aConfiguredUpstreamWithoutStartTlsIsRefused() throws Exception {
        upstream = FakeUpstream.plain().user("alice", "pw");
        RecipientOutcomes outcomes = sender().deliver(List.of(SmtpRoute.upstream("alice", "127.0.0.1", upstream.port(), SmtpSecurity.STARTTLS,
            Optional.of("alice"), Optional.of("pw"))), mail(0, "bob@remote.test"));
        assertThat(outcomes.byRecipient().get("bob@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(outcomes.byRecipient().get("bob@remote.test").detail()).containsIgnoringCase("STARTTLS");
        assertThat(upstream.authSuccesses("alice")).isZero();
    }
}
