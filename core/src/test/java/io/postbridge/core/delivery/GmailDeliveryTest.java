package io.postbridge.core.delivery;

import static io.postbridge.core.delivery.ProviderTestSupport.GOOGLE_CLIENT;
import static io.postbridge.core.delivery.ProviderTestSupport.GOOGLE_SECRET;
import static io.postbridge.core.delivery.ProviderTestSupport.mail;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.postbridge.core.fakes.Delivered;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeProvidersCheck;
import io.postbridge.core.fakes.TestMessages;

/** {@link ApiSender} against the fake Google token endpoint and Gmail API. */
@ExtendWith(FakeProvidersCheck.class)
class GmailDeliveryTest {
    private FakeProviders fake;
    private InMemoryProviderAccounts accounts;
    private ApiSender sender;

    @BeforeEach
    void setUp() {
        fake = FakeProviders.start().googleClient(GOOGLE_CLIENT, GOOGLE_SECRET).googleUser("rt-alice", "alice@gmail.test");
        accounts = new InMemoryProviderAccounts().put(ProviderAccount.gmail("alice", GOOGLE_CLIENT, GOOGLE_SECRET, "rt-alice"));
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
    void theUploadedBytesAreTheSubmittedMessage() throws Exception {
        byte[] message = TestMessages.withAttachment("alice@gmail.test", "bob@remote.test", "carol@remote.test", "bytes", "g1@test", 50_000);
        DeliveryOutcome outcome = deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test", "carol@remote.test"), message));

        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.delivered()).hasSize(1);
        Delivered delivered = fake.delivered().get(0);
        assertThat(delivered.uploaded).isEqualTo(message);
        assertThat(outcome.providerMessageId()).contains(delivered.id);
        assertThat(delivered.sentAs).isEqualTo("alice@gmail.test");
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void envelopeOnlyRecipientsAreSentAsBccAndHiddenFromTheOthers() throws Exception {
        byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "hidden", "g2@test").getBytes(StandardCharsets.UTF_8);
        deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test", "secret@remote.test"), message));

        Delivered delivered = fake.delivered().get(0);
        assertThat(delivered.recipients).containsExactlyInAnyOrder("bob@remote.test", "secret@remote.test");
        assertThat(delivered.visibleHeaders()).doesNotContain("secret@remote.test").doesNotContainIgnoringCase("bcc");
        assertThat(delivered.uploadedText()).endsWith(new String(message, StandardCharsets.UTF_8));
    }

    @Test
    void aTenMegabyteMessageGoesThroughTheMediaUpload() throws Exception {
        byte[] message = TestMessages.withAttachment("alice@gmail.test", "bob@remote.test", null, "10MB", "g3@test", 7_500_000);
        assertThat(message.length).isGreaterThan(10_000_000);
        assertThat(deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.delivered().get(0).uploaded).isEqualTo(message);
    }

    @Test
    void aFortyMegabyteMessageIsRefusedPermanentlyWithoutCallingGmail() throws Exception {
        byte[] message = TestMessages.withAttachment("alice@gmail.test", "bob@remote.test", null, "40MB", "g4@test", 30_000_000);
        assertThat(message.length).isGreaterThan(40_000_000);
        DeliveryOutcome outcome = deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.status()).isEqualTo("5.3.4");
        assertThat(fake.sendRequests()).isZero();
    }

    @Test
    void oneTokenRequestServesAHundredConcurrentMessages() throws Exception {
        List<CompletableFuture<DeliveryOutcome>> sends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "n" + i, "tok" + i + "@test").getBytes(StandardCharsets.UTF_8);
            sends.add(sender.deliver(accounts.forAccount("alice").orElseThrow(), mail("alice@gmail.test", List.of("bob@remote.test"), message)));
        }
        for (CompletableFuture<DeliveryOutcome> send : sends) {
            assertThat(send.get().kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        }
        assertThat(fake.delivered()).hasSize(100);
        assertThat(fake.googleTokenRequests()).isEqualTo(1);
        assertThat(sender.tokenRequests("alice")).isEqualTo(1);
    }

    @Test
    void throttlingIsTransientAndCarriesRetryAfter() throws Exception {
        fake.gmailSend.throttle(1, 7);
        byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "t", "g5@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome first = deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message));
        assertThat(first.kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(first.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
    }

    @Test
    void serverErrorsAndHangsAreTransient() throws Exception {
        fake.gmailSend.respond(1, 503, "{\"error\":{\"code\":503,\"message\":\"backend error\"}}");
        byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "t", "g6@test").getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.TRANSIENT);

        ApiSender impatient = new ApiSender(accounts, ProviderTestSupport.endpoints(fake).requestTimeout(Duration.ofMillis(500)),
            16, 4, java.time.Clock.systemUTC());
        try {
            fake.gmailSend.hang(1);
            DeliveryOutcome hung = impatient.deliver(accounts.forAccount("alice").orElseThrow(),
                mail("alice@gmail.test", List.of("bob@remote.test"), message)).get();
            assertThat(hung.kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
            assertThat(hung.detail()).contains("did not answer in time");
        } finally {
            impatient.close();
        }
    }

    @Test
    void revokedRefreshTokenBouncesAndFlagsTheAccountForReconsent() throws Exception {
        fake.revokeGoogleUser("rt-alice");
        byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "t", "g7@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.isReconsentNeeded()).isTrue();
        assertThat(outcome.detail()).contains("invalid_grant");
        assertThat(accounts.reconsentReason("alice")).hasValueSatisfying(reason -> assertThat(reason).contains("invalid_grant"));
        assertThat(fake.sendRequests()).isZero();
    }

    @Test
    void aRejectedAccessTokenIsReplacedOnce() throws Exception {
        byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "t", "g8@test").getBytes(StandardCharsets.UTF_8);
        deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message));
        fake.revokeIssuedTokens();
        assertThat(deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message)).kind())
            .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.googleTokenRequests()).isEqualTo(2);
    }

    @Test
    void aBadRequestIsPermanent() throws Exception {
        fake.gmailSend.respond(1, 400, "{\"error\":{\"code\":400,\"errors\":[{\"reason\":\"invalidArgument\"}],\"message\":\"Invalid To header\"}}");
        byte[] message = TestMessages.simple("alice@gmail.test", "bob@remote.test", "t", "g9@test").getBytes(StandardCharsets.UTF_8);
        DeliveryOutcome outcome = deliver("alice", mail("alice@gmail.test", List.of("bob@remote.test"), message));
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.detail()).contains("400").contains("Invalid To header");
    }
}
