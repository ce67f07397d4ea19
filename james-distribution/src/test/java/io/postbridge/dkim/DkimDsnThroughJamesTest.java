package io.postbridge.dkim;

import static io.postbridge.it.PostbridgeJames.INBOUND;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.it.AliasXml;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;

/**
 * Delivery status notifications that leave by SMTP are DKIM-signed by our domain like any other mail: the DSN for a
 * forwarded message the remote side refused (RemoteDelivery bounces it) and the DSN for a failure Postbridge itself
 * detects (AliasForward's mail loop), both written by the sample configuration's {@code bounces} processor. Both
 * reach the original sender through the relay path (SRS reversed) and verify with dkimpy, OpenDKIM and Mail::DKIM.
 */
class DkimDsnThroughJamesTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200));
    private static final DkimTestKeys KEYS = new DkimTestKeys("example.com");
    private static final String SENDER = "sender@elsewhere.test";

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx().rejecting("gone@remote.test");

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough(mx.hostAndPort(), "1 second");
        KEYS.install(conf);
        AliasXml.aliases(conf, "<aliases>"
            + "<alias address='moved@example.com'><target>gone@remote.test</target></alias>"
            + "<alias address='team@example.com'><target>carol@remote.test</target></alias>"
            + "</aliases>");
        AliasXml.secrets(conf, "dsn-test-secret");
    });

    @TempDir
    static Path dir;
    private static int inbound;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        inbound = PostbridgeJames.smtpPorts(server).get(INBOUND);
    }

    @Test
    void theDsnForARecipientTheRemoteSideRefusedLeavesSignedByOurDomain() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        assertThat(send(SENDER, "moved@example.com", message("refused-1@elsewhere.test"))).startsWith("250");

        // forwarded to gone@remote.test, refused there (553), bounced by RemoteDelivery, DSNBounce writes the report
        // to our SRS address, which sends it on to the original sender
        WiserMessage dsn = awaitDsnFor("refused-1@elsewhere.test");

        assertThat(dsn.getEnvelopeSender()).isNullOrEmpty();
        assertThat(dsn.getMimeMessage().getContentType()).contains("multipart/report");
        assertSignedByExampleCom(dsn);
    }

    @Test
    void theDsnForAMailLoopPostbridgeDetectedLeavesSignedByOurDomain() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        assertThat(send(SENDER, "team@example.com", message("loop-1@elsewhere.test"))).startsWith("250");
        WiserMessage forwarded = AWAIT.until(() -> mx.messages().stream()
            .filter(m -> m.getEnvelopeReceiver().equals("carol@remote.test"))
            .filter(m -> FakeMx.messageId(m).equals("<loop-1@elsewhere.test>")).findFirst(), Optional::isPresent).get();

        // carol's server sends it back to us unchanged, from our SRS sender: AliasForward reports a loop
        assertThat(send(forwarded.getEnvelopeSender(), "team@example.com",
            new String(forwarded.getData(), StandardCharsets.ISO_8859_1))).startsWith("250");
        WiserMessage dsn = awaitDsnFor("loop-1@elsewhere.test");

        assertThat(new String(dsn.getData(), StandardCharsets.ISO_8859_1)).contains("5.4.6");
        assertSignedByExampleCom(dsn);
    }

    private static void assertSignedByExampleCom(WiserMessage dsn) throws Exception {
        String text = new String(dsn.getData(), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("DKIM-Signature:");
        ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(KEYS.keyFile(dir), dsn.getData(), dir);
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        assertThat(verdict.output)
            .contains("d=example.com s=t-rsa a=rsa-sha256 result=pass")
            .contains("d=example.com s=t-ed a=ed25519-sha256 result=pass");
    }

    /** The report that reached the original sender and quotes the given message. */
    private static WiserMessage awaitDsnFor(String messageId) {
        return AWAIT.until(() -> mx.messages().stream()
            .filter(m -> m.getEnvelopeReceiver().equals(SENDER))
            .filter(m -> new String(m.getData(), StandardCharsets.ISO_8859_1).contains(messageId))
            .findFirst(), Optional::isPresent).get();
    }

    private static String send(String sender, String recipient, String message) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            return smtp.send(sender, recipient, message);
        }
    }

    private static String message(String messageId) {
        return SmtpClient.message(SENDER, "someone@example.com", "please forward", messageId, "body of " + messageId);
    }
}
