package io.postbridge.dkim;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

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
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * A domain whose key file is missing: example.com is set to hold its mail until the key appears, other.test keeps
 * the default (send unsigned, with a warning).
 */
class DkimMissingKeyThroughJamesTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200));
    private static final AtomicReference<Path> CONF = new AtomicReference<>();

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        CONF.set(conf.dir());
        conf.relayThrough(mx.hostAndPort(), "1 second");
        DkimTestKeys.addKey(conf, "example.com", "late", "dkim/late.pem");
        DkimTestKeys.addKey(conf, "other.test", "gone", "dkim/gone.pem");
        conf.xml("mailetcontainer.xml", doc -> {
            NodeList mailets = ConfFolder.select(doc, "//mailet[@class='" + DkimTestKeys.DKIM_SIGN + "']");
            Element policy = doc.createElement("domainPolicy");
            policy.setAttribute("domain", "example.com");
            policy.setAttribute("whenKeyMissing", "hold");
            mailets.item(0).appendChild(policy);
        });
        conf.mailetParameter(DkimTestKeys.DKIM_SIGN, "holdDelay", "1s");
        conf.mailetParameter(DkimTestKeys.DKIM_SIGN, "keyFileCheckInterval", "1s");
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
        HttpResponse<String> domain = webAdmin.put("/domains/other.test", "");
        assertThat(domain.statusCode()).isEqualTo(204);
        webAdmin.addUser("alice@example.com", "alice-secret");
        webAdmin.addUser("bob@other.test", "bob-secret");
    }

    @Test
    void byDefaultMailOfADomainWithoutUsableKeyLeavesUnsigned() throws Exception {
        send("bob@other.test", "bob-secret", "unsigned@remote.test", "unsigned-1@other.test");

        String received = new String(awaitMessageFor("unsigned@remote.test").getData(), StandardCharsets.ISO_8859_1);

        assertThat(received).doesNotContain("DKIM-Signature:").contains("Subject: held?");
    }

    @Test
    void aHoldDomainsMailWaitsForItsKeyAndLeavesSignedOnceTheKeyFileAppears() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        send("alice@example.com", "alice-secret", "held@remote.test", "held-1@example.com");

        // held and processed by the relay processor again (each pass records "queued"), but not delivered
        AWAIT.until(() -> Events.typesFor(webAdmin, "held-1@example.com").stream().filter("queued"::equals).count() >= 2);
        assertThat(find("held@remote.test")).isEmpty();

        DkimSigningKey key = new DkimSigningKey("example.com", "late", new DkimKeyGenerator().generate(DkimAlgorithm.ED25519_SHA256));
        DkimTestKeys.writePem(CONF.get().resolve("dkim/late.pem"), key.key());

        WiserMessage received = awaitMessageFor("held@remote.test");
        Path keys = Files.write(dir.resolve("keys.txt"), List.of(key.dnsRecord().keyFileLine()));
        ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(keys,
            Files.write(dir.resolve("held.eml"), received.getData()));
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        assertThat(verdict.output).contains("d=example.com s=late a=ed25519-sha256 result=pass");
        assertThat(mx.messages().stream().filter(m -> m.getEnvelopeReceiver().equals("held@remote.test")).count())
            .as("delivered once").isEqualTo(1);
    }

    private static void send(String user, String password, String recipient, String messageId) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            assertThat(smtp.startTls()).startsWith("250");
            assertThat(smtp.authPlain(user, password)).startsWith("235");
            assertThat(smtp.send(user, recipient, SmtpClient.message(user, recipient, "held?", messageId, "body")))
                .startsWith("250");
        }
    }

    private static WiserMessage awaitMessageFor(String recipient) {
        return AWAIT.until(() -> find(recipient), Optional::isPresent).get();
    }

    private static Optional<WiserMessage> find(String recipient) {
        return mx.messages().stream().filter(m -> m.getEnvelopeReceiver().equals(recipient)).findFirst();
    }
}
