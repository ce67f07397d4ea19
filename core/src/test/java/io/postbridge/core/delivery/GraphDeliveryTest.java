package io.postbridge.core.delivery;

import static io.postbridge.core.delivery.ProviderTestSupport.MS_CLIENT;
import static io.postbridge.core.delivery.ProviderTestSupport.MS_SECRET;
import static io.postbridge.core.delivery.ProviderTestSupport.TENANT;
import static io.postbridge.core.delivery.ProviderTestSupport.mail;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.postbridge.core.fakes.Delivered;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeProvidersCheck;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.core.testing.MutableClock;

/** {@link ApiSender} against the fake Microsoft identity platform and Graph. */
@ExtendWith(FakeProvidersCheck.class)
class GraphDeliveryTest {
    private FakeProviders fake;
    private InMemoryProviderAccounts accounts;
    private ApiSender sender;

    @BeforeEach
    void setUp() {
        fake = FakeProviders.start().microsoftApp(TENANT, MS_CLIENT, MS_SECRET);
        accounts = new InMemoryProviderAccounts()
            .put(ProviderAccount.graphApp("billing", TENANT, MS_CLIENT, MS_SECRET, Optional.empty()))
            .put(ProviderAccount.graphApp("billing2", TENANT, MS_CLIENT, MS_SECRET, Optional.of("shared@contoso.test")));
        sender = ProviderTestSupport.sender(fake, accounts);
    }

    @AfterEach
    void tearDown() {
        sender.close();
        fake.close();
    }

    private DeliveryOutcome deliver(String account, OutgoingMail mail) throws Exception {
        return sender.deliver(accounts.forAccount(account).orElseThrow(), mail).get();
    }

    @Test
    void sendMailGetsTheSubmittedMessageAsBase64FromTheSendersMailbox() throws Exception {
        byte[] message = TestMessages.withAttachment("billing@contoso.test", "bob@remote.test", null, "graph", "m1@test", 100_000);
        DeliveryOutcome outcome = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));

        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        Delivered delivered = fake.delivered().get(0);
        assertThat(delivered.uploaded).isEqualTo(message);
        assertThat(delivered.sentAs).isEqualTo("billing@contoso.test");
        assertThat(outcome.providerMessageId()).contains(delivered.id);
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void aConfiguredMailboxWinsOverTheEnvelopeSender() throws Exception {
        byte[] message = TestMessages.simple("x@contoso.test", "bob@remote.test", "s", "m2@test").getBytes(StandardCharsets.UTF_8);
        deliver("billing2", mail("x@contoso.test", List.of("bob@remote.test", "hidden@remote.test"), message));
        Delivered delivered = fake.delivered().get(0);
        assertThat(delivered.sentAs).isEqualTo("shared@contoso.test");
        assertThat(delivered.recipients).containsExactlyInAnyOrder("bob@remote.test", "hidden@remote.test");
        assertThat(delivered.visibleHeaders()).doesNotContain("hidden@remote.test");
    }

    @Test
    void largeMessagesGoThroughDraftUploadSessionAndSend() throws Exception {
        for (int size : new int[] {7_500_000, 30_000_000}) {
            fake.reset();
            byte[] message = TestMessages.withAttachment("billing@contoso.test", "bob@remote.test", "carol@remote.test", "big",
                "big" + size + "@test", size);
            DeliveryOutcome outcome = deliver("billing", mail("billing@contoso.test",
                List.of("bob@remote.test", "carol@remote.test", "bcc@remote.test"), message));

            assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
            assertThat(fake.violations()).isEmpty();
            Delivered delivered = fake.delivered().get(0);
            assertThat(delivered.separateAttachments).containsOnlyKeys("data.bin");
            assertThat(delivered.separateAttachments.get("data.bin")).isEqualTo(TestMessages.attachmentBytes(size));
            assertThat(delivered.recipients).containsExactlyInAnyOrder("bob@remote.test", "carol@remote.test", "bcc@remote.test");
            MimeMessage draft = FakeProviders.parse(delivered.uploaded);
            assertThat(draft.getMessageID()).isEqualTo("<big" + size + "@test>");
            assertThat(draft.getHeader("X-Custom-Header", null)).isEqualTo("keep me exactly   as I am");
            assertThat(delivered.uploadedText()).contains("Grüße — 8-bit UTF-8 body ✓ 日本語");
            assertThat(fake.openDrafts()).isZero();
        }
    }

    @Test
    void attachmentsUnderThreeMegabytesOfALargeMessageArePostedAsFileAttachments() throws Exception {
        // two attachments of 2 MB and 1.5 MB: together too large for sendMail, each small enough for POST .../attachments
        String second = "--outer-boundary\r\n"
            + "Content-Type: application/octet-stream; name=\"small.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"small.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + java.util.Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(TestMessages.attachmentBytes(1_500_000))
            + "\r\n--outer-boundary--\r\n";
        String text = new String(TestMessages.withAttachment("billing@contoso.test", "bob@remote.test", null, "two", "two@test",
            2_000_000), StandardCharsets.UTF_8);
        byte[] message = text.replace("--outer-boundary--\r\n", second).getBytes(StandardCharsets.UTF_8);

        DeliveryOutcome outcome = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));

        assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        Delivered delivered = fake.delivered().get(0);
        assertThat(delivered.separateAttachments).as("sent apart from the draft").isNotEmpty();
        delivered.separateAttachments.forEach((name, bytes) -> assertThat(bytes).as(name)
            .isEqualTo(TestMessages.attachmentBytes(name.equals("data.bin") ? 2_000_000 : 1_500_000)));
        assertThat(fake.openDrafts()).isZero();
    }

    @Test
    void aFailedLargeSendDeletesItsDraft() throws Exception {
        fake.graphSend.respond(1, 503, "{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"try later\"}}");
        byte[] message = TestMessages.withAttachment("billing@contoso.test", "bob@remote.test", null, "big", "big-fail@test", 5_000_000);
        DeliveryOutcome outcome = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(fake.openDrafts()).isZero();
    }

    @Test
    void onlyTwoHundredTwoIsSuccess() throws Exception {
        fake.graphSend.respond(1, 200, "{}");
        byte[] message = TestMessages.simple("billing@contoso.test", "bob@remote.test", "s", "m3@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isNotEqualTo(DeliveryOutcome.Kind.DELIVERED);
    }

    @Test
    void sendAsDeniedAndMailboxNotEnabledArePermanent() throws Exception {
        byte[] message = TestMessages.simple("billing@contoso.test", "bob@remote.test", "s", "m4@test").getBytes(StandardCharsets.UTF_8);
        fake.graphSend.respond(1, 403, "{\"error\":{\"code\":\"ErrorSendAsDenied\",\"message\":\"The user account which was used"
            + " to submit this request does not have the right to send mail on behalf of the specified sending account.\"}}");
        DeliveryOutcome denied = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));
        assertThat(denied.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(denied.status()).isEqualTo("5.7.1");
        assertThat(denied.detail()).contains("ErrorSendAsDenied");

        fake.graphSend.respond(1, 404, "{\"error\":{\"code\":\"MailboxNotEnabledForRESTAPI\",\"message\":\"The mailbox is either"
            + " inactive, soft-deleted, or is hosted on-premise.\"}}");
        DeliveryOutcome notEnabled = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));
        assertThat(notEnabled.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(notEnabled.detail()).contains("MailboxNotEnabledForRESTAPI");
    }

    @Test
    void neverMoreThanFourConcurrentRequestsPerMailboxAndOneTokenForAllAccountsOfTheApp() throws Exception {
        fake.graphSend.latency(Duration.ofMillis(100));
        List<CompletableFuture<DeliveryOutcome>> sends = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String account = i % 2 == 0 ? "billing" : "billing2";
            String from = i % 2 == 0 ? "billing@contoso.test" : "x@contoso.test";
            byte[] message = TestMessages.simple(from, "bob@remote.test", "c" + i, "c" + i + "@test").getBytes(StandardCharsets.UTF_8);
            sends.add(sender.deliver(accounts.forAccount(account).orElseThrow(), mail(from, List.of("bob@remote.test"), message)));
        }
        for (CompletableFuture<DeliveryOutcome> send : sends) {
            DeliveryOutcome outcome = send.get();
            assertThat(outcome.kind()).as(outcome.detail()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        }
        assertThat(fake.maxConcurrentGraphRequestsPerMailbox()).isBetween(2, 4);
        assertThat(fake.microsoftTokenRequests()).as("app-only token shared by both accounts of the app").isEqualTo(1);
    }

    @Test
    void wrongClientSecretIsPermanentAndNotRetriedInALoop() throws Exception {
        accounts.put(ProviderAccount.graphApp("bad", TENANT, MS_CLIENT, "wrong-secret", Optional.empty()));
        byte[] message = TestMessages.simple("bad@contoso.test", "bob@remote.test", "s", "m5@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("bad", mail("bad@contoso.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.detail()).contains("invalid_client");
        assertThat(fake.microsoftTokenRequests()).isEqualTo(1);
        assertThat(fake.sendRequests()).isZero();
    }

    @Test
    void identityPlatformOutageIsTransient() throws Exception {
        fake.microsoftToken.respond(10, 503, "{\"error\":\"temporarily_unavailable\"}");
        byte[] message = TestMessages.simple("billing@contoso.test", "bob@remote.test", "s", "m6@test").getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
    }

    @Test
    void delegatedTokensRotateTheRefreshTokenAndSendFromTheConsentedMailbox() throws Exception {
        fake.microsoftUser("rt-owner-1", "owner@contoso.test");
        accounts.put(ProviderAccount.graphDelegated("owner", TENANT, MS_CLIENT, MS_SECRET, "rt-owner-1", "owner@contoso.test"));
        byte[] message = TestMessages.simple("owner@contoso.test", "bob@remote.test", "s", "m7@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("owner", mail("owner@contoso.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.delivered().get(0).sentAs).isEqualTo("owner@contoso.test");
        assertThat(accounts.latestRefreshToken("owner")).hasValueSatisfying(rt -> assertThat(rt).startsWith("rt-").isNotEqualTo("rt-owner-1"));
    }

    @Test
    void theSecondDelegatedRefreshUsesTheRotatedRefreshToken() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        sender.close();
        sender = new ApiSender(accounts, ProviderTestSupport.endpoints(fake), 16, 4, clock);
        fake.microsoftUser("rt-owner-1", "owner@contoso.test");
        accounts.put(ProviderAccount.graphDelegated("owner", TENANT, MS_CLIENT, MS_SECRET, "rt-owner-1", "owner@contoso.test"));
        byte[] first = TestMessages.simple("owner@contoso.test", "bob@remote.test", "s", "m9@test").getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("owner", mail("owner@contoso.test", List.of("bob@remote.test"), first)).kind())
            .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        String rotated = accounts.latestRefreshToken("owner").orElseThrow();

        // an hour and a half later the access token has expired (Microsoft: 60-90 minutes) and is refreshed again
        fake.expireIssuedTokens();
        clock.advance(Duration.ofMinutes(90));
        byte[] second = TestMessages.simple("owner@contoso.test", "bob@remote.test", "s", "m10@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("owner", mail("owner@contoso.test", List.of("bob@remote.test"), second));

        assertThat(outcome.kind()).as(outcome + ", refresh tokens presented: " + fake.presentedMicrosoftRefreshTokens()
            + ", stored after the first: " + rotated).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.presentedMicrosoftRefreshTokens()).containsExactly("rt-owner-1", rotated);
        assertThat(fake.graphUnauthorizedAnswers()).as("the expired token was not sent").isZero();
        assertThat(accounts.latestRefreshToken("owner")).hasValueSatisfying(rt ->
            assertThat(rt).startsWith("rt-").isNotEqualTo(rotated).isNotEqualTo("rt-owner-1"));
        assertThat(fake.delivered()).extracting(d -> d.sentAs).containsExactly("owner@contoso.test", "owner@contoso.test");
    }

    @Test
    void aRejectedAccessTokenIsReplacedOnce() throws Exception {
        byte[] message = TestMessages.simple("billing@contoso.test", "bob@remote.test", "t", "m11@test").getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        fake.revokeIssuedTokens();
        assertThat(deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.graphUnauthorizedAnswers()).isEqualTo(1);
        assertThat(fake.microsoftTokenRequests()).isEqualTo(2);
        assertThat(fake.delivered()).hasSize(2);
    }

    @Test
    void aSecondRejectionAfterANewTokenIsNotRetriedAgain() throws Exception {
        byte[] message = TestMessages.simple("billing@contoso.test", "bob@remote.test", "t", "m12@test").getBytes(StandardCharsets.UTF_8);
        fake.graphSend.respond(2, 401, "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token"
            + " validation failure.\"}}");
        DeliveryOutcome outcome = deliver("billing", mail("billing@contoso.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(fake.sendRequests()).isEqualTo(2);
        assertThat(fake.microsoftTokenRequests()).isEqualTo(2);
        assertThat(fake.delivered()).isEmpty();
    }

    @Test
    void revokedDelegatedGrantFlagsReconsent() throws Exception {
        accounts.put(ProviderAccount.graphDelegated("gone", TENANT, MS_CLIENT, MS_SECRET, "rt-unknown", "gone@contoso.test"));
        byte[] message = TestMessages.simple("gone@contoso.test", "bob@remote.test", "s", "m8@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("gone", mail("gone@contoso.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.isReconsentNeeded()).isTrue();
        assertThat(accounts.reconsentReason("gone")).isPresent();
    }
}
