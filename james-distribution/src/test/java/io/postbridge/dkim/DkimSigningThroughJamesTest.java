package io.postbridge.dkim;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.dkim.DkimCorpus;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * The whole corpus submitted over SMTP, signed by the DkimSign mailet of the sample configuration (key table from
 * mailetcontainer.xml, PEM files in conf/dkim/), relayed by RemoteDelivery: the bytes the fake MX received verify
 * with dkimpy, OpenDKIM and Mail::DKIM, and stop verifying when tampered with.
 */
class DkimSigningThroughJamesTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200));
    private static final DkimTestKeys KEYS = new DkimTestKeys("example.com");
    private static final String MODIFIED_MATCH = "RecipientIs=modified0@remote.test,modified1@remote.test,modified2@remote.test";

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough(mx.hostAndPort(), "1 second");
        KEYS.install(conf);
        // mailets that change header and body before DkimSign (only for one recipient: James would rewrite the
        // corpus' raw 8-bit headers as '?' when an earlier mailet touches headers)
        conf.xml("mailetcontainer.xml", doc -> {
            org.w3c.dom.Node dkimSign = ConfFolder.select(doc, "//mailet[@class='" + DkimTestKeys.DKIM_SIGN + "']").item(0);
            org.w3c.dom.Element header = doc.createElement("mailet");
            header.setAttribute("match", MODIFIED_MATCH);
            header.setAttribute("class", "SetMimeHeader");
            ConfFolder.appendChild(header, "name", "X-Relayed-By");
            ConfFolder.appendChild(header, "value", "an earlier mailet");
            org.w3c.dom.Element footer = doc.createElement("mailet");
            footer.setAttribute("match", MODIFIED_MATCH);
            footer.setAttribute("class", "AddFooter");
            ConfFolder.appendChild(footer, "text", "-- footer added by an earlier mailet");
            dkimSign.getParentNode().insertBefore(header, dkimSign);
            dkimSign.getParentNode().insertBefore(footer, dkimSign);
        });
    });

    @TempDir
    static Path dir;
    private static Map<String, Integer> ports;
    private static WebAdmin webAdmin;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        ports = PostbridgeJames.smtpPorts(server);
        webAdmin = PostbridgeJames.webAdmin(server);
        webAdmin.addUser("alice@example.com", "alice-secret");
    }

    @Test
    void everyCorpusMessageArrivesWithRsaAndEd25519SignaturesThatAllThreeVerifiersAccept() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        List<Path> corpus = DkimCorpus.messages();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(30);
        List<String> recipients = new ArrayList<>();
        try (SmtpClient smtp = submission()) {
            for (int i = 0; i < corpus.size(); i++) {
                String recipient = "corpus" + i + "@remote.test";
                recipients.add(recipient);
                // ISO-8859-1 carries every byte through the SMTP client unchanged
                String message = new String(Files.readAllBytes(corpus.get(i)), StandardCharsets.ISO_8859_1);
                assertThat(smtp.send("alice@example.com", recipient, message)).as(corpus.get(i).toString()).startsWith("250");
            }
        }
        Path keys = KEYS.keyFile(dir);

        for (int i = 0; i < corpus.size(); i++) {
            WiserMessage received = awaitMessageFor(recipients.get(i));
            Path file = dir.resolve("received-" + corpus.get(i).getFileName());
            Files.write(file, received.getData());

            ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(keys, file);
            assertThat(verdict.passed()).as(corpus.get(i).getFileName() + "\n" + verdict).isTrue();
            assertThat(verdict.output).as(corpus.get(i).getFileName().toString())
                .contains("d=example.com s=t-rsa a=rsa-sha256 result=pass")
                .contains("d=example.com s=t-ed a=ed25519-sha256 result=pass");
        }
    }

    @Test
    void tamperingWithWhatJamesSentFailsVerification() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        String body = "Pay invoice 1234 to account DE00 1111.";
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.send("alice@example.com", "tamper@remote.test",
                SmtpClient.message("Alice <alice@example.com>", "tamper@remote.test", "Invoice", "tamper-1@example.com", body)))
                .startsWith("250");
        }
        String received = new String(awaitMessageFor("tamper@remote.test").getData(), StandardCharsets.ISO_8859_1);
        Path keys = KEYS.keyFile(dir);
        assertThat(verify(keys, received).passed()).isTrue();

        ExternalDkimVerifiers.Verdict tampered1 = verify(keys, received.replace("Subject: Invoice", "Subject: Invoicf"));
        assertThat(tampered1.rejected()).as(tampered1.toString()).isTrue();
        ExternalDkimVerifiers.Verdict tampered2 = verify(keys, received.replace("account DE00 1111", "account DE99 6666"));
        assertThat(tampered2.rejected()).as(tampered2.toString()).isTrue();
        ExternalDkimVerifiers.Verdict tampered3 = verify(keys, "From: Mallory <mallory@example.com>\r\n" + received);
        assertThat(tampered3.rejected()).as(tampered3.toString()).isTrue();
    }

    @Test
    void mailChangedByEarlierMailetsIsSignedAsItLeaves() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        Path keys = KEYS.keyFile(dir);
        List<String> messages = List.of("21-nested-multipart.eml", "12-utf8-8bit-body.eml", "02-plain-ascii-lf-only.eml");
        for (int i = 0; i < messages.size(); i++) {
            String recipient = "modified" + i + "@remote.test";
            try (SmtpClient smtp = submission()) {
                assertThat(smtp.send("alice@example.com", recipient, new String(
                    Files.readAllBytes(DkimCorpus.directory().resolve(messages.get(i))), StandardCharsets.ISO_8859_1)))
                    .startsWith("250");
            }
            String received = new String(awaitMessageFor(recipient).getData(), StandardCharsets.ISO_8859_1);

            assertThat(received).contains("X-Relayed-By: an earlier mailet").contains("footer added by an earlier mailet");
            ExternalDkimVerifiers.Verdict verdict = verify(keys, received);
            assertThat(verdict.passed()).as(messages.get(i) + "\n" + verdict).isTrue();
        }
    }

    @Test
    void forwardedMailWithAForeignAuthorIsSignedAsTheEnvelopeSendersDomain() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        try (SmtpClient smtp = submission()) {
            assertThat(smtp.send("alice@example.com", "fwd@remote.test",
                SmtpClient.message("Carol <carol@foreign.test>", "fwd@remote.test", "Fwd", "fwd-1@example.com", "forwarded")))
                .startsWith("250");
        }
        String received = new String(awaitMessageFor("fwd@remote.test").getData(), StandardCharsets.ISO_8859_1);

        assertThat(received).contains("d=example.com;");
        assertThat(verify(KEYS.keyFile(dir), received).passed()).isTrue();
    }

    @Test
    void webAdminListsTheConfiguredKeysWithTheirDnsRecords() throws Exception {
        JsonNode configured = webAdmin.getJson("/postbridge/dkim/configured");

        assertThat(configured).hasSize(2);
        assertThat(configured.get(0).path("loaded").asBoolean()).isTrue();
        List<String> records = new ArrayList<>();
        configured.forEach(row -> records.add(row.path("dnsRecord").path("name").asText() + " "
            + row.path("dnsRecord").path("value").asText()));
        assertThat(records).containsExactlyInAnyOrder(KEYS.rsa.dnsRecord().keyFileLine(), KEYS.ed25519.dnsRecord().keyFileLine());
    }

    private static ExternalDkimVerifiers.Verdict verify(Path keys, String message) throws Exception {
        return ExternalDkimVerifiers.verifyAll(keys, message.getBytes(StandardCharsets.ISO_8859_1), dir);
    }

    private static SmtpClient submission() throws Exception {
        SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION));
        smtp.ehlo();
        assertThat(smtp.startTls()).startsWith("250");
        assertThat(smtp.authPlain("alice@example.com", "alice-secret")).startsWith("235");
        return smtp;
    }

    static WiserMessage awaitMessageFor(String recipient) {
        return AWAIT.until(() -> find(recipient), Optional::isPresent).get();
    }

    private static Optional<WiserMessage> find(String recipient) {
        return mx.messages().stream().filter(m -> m.getEnvelopeReceiver().equals(recipient)).findFirst();
    }

    static String header(String message, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(.*)$").matcher(message);
        return m.find() ? m.group(1).trim() : null;
    }
}
