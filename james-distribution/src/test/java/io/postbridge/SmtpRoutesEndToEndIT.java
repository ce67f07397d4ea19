package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKeyReader;
import io.postbridge.core.dkim.DkimSigner;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.it.Accounts;
import io.postbridge.it.AliasXml;
import io.postbridge.it.FakeDnsServer;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * The three kinds of SMTP route on the assembled server as a process (one boot), with VERP, SRS and DKIM signing
 * on: account A through its own upstream with its own credentials, account B (no upstream) through the accounts'
 * default relay of {@code postbridge.properties}, and an unauthenticated inbound mail for an alias, forwarded
 * directly to the MX that James's DNS service finds (a local DNS server answering MX and A). Each message reaches
 * the right fake with the VERP (accounts) or SRS (forward) return path, a DKIM signature that verifies, and for the
 * forward the original sender's signature still intact.
 */
class SmtpRoutesEndToEndIT {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250));
    private static final String SMTP_DELIVERY = "io.postbridge.mailets.SmtpDelivery";

    @TempDir
    Path tmp;

    @Test
    void upstreamRelayAndDirectMxEachGetTheirMailWithSrsDkimAndVerpIntact() throws Exception {
        FakeDnsServer dns = new FakeDnsServer().mx("remote-direct.test", "mx1.remote-direct.test").address("mx1.remote-direct.test", "127.0.0.1");
        try {
            dns.start();
        } catch (SocketException e) {
            String why = "cannot open port 53 on " + dns.address() + " (James's DNS service asks port 53 only): " + e;
            if (Boolean.getBoolean("postbridge.test.requireTools")) {
                throw new AssertionError(why, e); // CI: required
            }
            Assumptions.assumeTrue(false, why);
        }
        DkimKeyGenerator generator = new DkimKeyGenerator();
        DkimSigningKey ours = new DkimSigningKey("example.com", "e2e", generator.generate(DkimAlgorithm.RSA_SHA256));
        DkimSigningKey origin = new DkimSigningKey("origin.test", "o1", generator.generate(DkimAlgorithm.RSA_SHA256));
        Map<String, String> published = Map.of("e2e._domainkey.example.com", ours.dnsRecord().value(),
            "o1._domainkey.origin.test", origin.dnsRecord().value());

        FakeUpstream upstreamA = FakeUpstream.plain().user("a-user", "a-pass");
        FakeUpstream relay = FakeUpstream.plain().user("relay-user", "relay-pass");
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            ports.applyTo(server.conf())
                .property("postbridge.properties", "verp.enabled", "true")
                .property("postbridge.properties", "smtp.relay.host", "127.0.0.1:" + relay.port())
                .property("postbridge.properties", "smtp.relay.security", "plaintext")
                .property("postbridge.properties", "smtp.relay.allowPlaintext", "true")
                .property("postbridge.properties", "smtp.relay.username", "relay-user")
                .property("postbridge.properties", "smtp.relay.passwordFile", "conf/smtp-relay.password")
                .mailetParameter(SMTP_DELIVERY, "mxPort", String.valueOf(mx.port()))
                .mailetParameter(SMTP_DELIVERY, "retryInitialDelay", "1 second")
                .mailetParameter(SMTP_DELIVERY, "retryMaxDelay", "1 second");
            Path passwordFile = server.conf().dir().resolve("smtp-relay.password");
            Files.write(passwordFile, "relay-pass\n".getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            dns.applyTo(server.conf());
            Files.createDirectories(server.conf().dir().resolve("dkim"));
            Files.writeString(server.conf().dir().resolve("dkim/e2e.pem"), DkimPrivateKeyReader.toPem(ours.key()));
            server.conf().xml("mailetcontainer.xml", doc -> {
                org.w3c.dom.Element mailet = (org.w3c.dom.Element) io.postbridge.it.ConfFolder.select(doc,
                    "//mailet[@class='io.postbridge.mailets.DkimSign']").item(0);
                org.w3c.dom.Element key = doc.createElement("key");
                key.setAttribute("domain", "example.com");
                key.setAttribute("selector", "e2e");
                key.setAttribute("privateKey", "dkim/e2e.pem");
                mailet.insertBefore(key, mailet.getFirstChild());
            });
            AliasXml.aliases(server.conf(), "<aliases><alias address='team@example.com'><target>fwd@remote-direct.test</target></alias></aliases>");
            server.start().awaitLog(ServerProcess.READY);

            WebAdmin webAdmin = ports.webAdmin();
            Accounts accounts = new Accounts(webAdmin);
            accounts.create("acct-a").allowSender("acct-a", "a@example.com");
            accounts.create("acct-b").allowSender("acct-b", "b@example.com");
            String keyA = accounts.issueKey("acct-a").key;
            String keyB = accounts.issueKey("acct-b").key;
            assertThat(webAdmin.put("/postbridge/accounts/acct-a/provider", "{\"provider\": \"smtp\", \"settings\": {\"host\": \"127.0.0.1\","
                + " \"port\": \"" + upstreamA.port() + "\", \"security\": \"plaintext\", \"allowPlaintext\": \"true\", \"username\": \"a-user\"},"
                + " \"secrets\": {\"password\": \"a-pass\"}}").statusCode()).isEqualTo(204);

            submit(ports, "acct-a", keyA, "a@example.com", "alice@remote-a.test", "e2e-a@test");
            submit(ports, "acct-b", keyB, "b@example.com", "bob@remote-b.test", "e2e-b@test");
            byte[] inbound = DkimSigner.withDefaults(Clock.systemUTC()).sign(SmtpClient.message("carol@origin.test", "team@example.com",
                "for the team", "e2e-fwd@test", "hello team").getBytes(StandardCharsets.US_ASCII), List.of(origin));
            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("carol@origin.test", "team@example.com", new String(inbound, StandardCharsets.US_ASCII)))
                    .startsWith("250");
            }

            // account A: its own upstream, its own credentials, nothing elsewhere
            AWAIT.untilAsserted(() -> assertThat(received(upstreamA, "e2e-a@test")).hasSize(1));
            FakeUpstream.Received a = received(upstreamA, "e2e-a@test").get(0);
            assertThat(a.authenticatedAs).isEqualTo("a-user");
            assertThat(a.recipients).containsExactly("alice@remote-a.test");
            assertThat(a.mailFrom).startsWith("a+V1=").endsWith("@example.com");
            assertThat(domainsThatVerify(a.content, published)).contains("example.com");

            // account B: the accounts' default relay, with the password of the owner-only file
            AWAIT.untilAsserted(() -> assertThat(received(relay, "e2e-b@test")).hasSize(1));
            FakeUpstream.Received b = received(relay, "e2e-b@test").get(0);
            assertThat(b.authenticatedAs).isEqualTo("relay-user");
            assertThat(b.mailFrom).startsWith("b+V1=").endsWith("@example.com");
            assertThat(domainsThatVerify(b.content, published)).contains("example.com");

            // the forward: direct to the MX of remote-direct.test, SRS return path, the original signature intact
            AWAIT.until(() -> mx.messageIds().contains("<e2e-fwd@test>"));
            WiserMessage forwarded = mx.messages().stream().filter(m -> "<e2e-fwd@test>".equals(FakeMx.messageId(m))).findFirst().orElseThrow();
            assertThat(forwarded.getEnvelopeReceiver()).isEqualTo("fwd@remote-direct.test");
            assertThat(forwarded.getEnvelopeSender()).startsWith("SRS0=").endsWith("@example.com").contains("origin.test");
            assertThat(domainsThatVerify(forwarded.getData(), published)).contains("origin.test");

            assertThat(received(upstreamA, "e2e-b@test")).isEmpty();
            assertThat(received(relay, "e2e-a@test")).isEmpty();
            assertThat(received(relay, "e2e-fwd@test")).as("a forward is not account mail: it never takes the accounts' relay").isEmpty();
            assertThat(received(upstreamA, "e2e-fwd@test")).isEmpty();
            assertThat(mx.messageIds()).doesNotContain("<e2e-a@test>", "<e2e-b@test>");
            assertThat(server.stop()).isIn(0, 143);
        } finally {
            mx.stop();
            upstreamA.close();
            relay.close();
            dns.close();
        }
    }

    private static void submit(Ports ports, String account, String key, String from, String to, String id) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(ports.submission)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain(account, key)).startsWith("235");
            assertThat(smtp.send(from, to, SmtpClient.message(from, to, "hello " + account, id, "hi from " + account))).startsWith("250");
        }
    }

    private static List<FakeUpstream.Received> received(FakeUpstream server, String id) {
        return server.received().stream().filter(r -> r.text().contains("<" + id + ">")).collect(Collectors.toList());
    }

    /** The d= of each DKIM signature that verifies (Apache jDKIM, keys from {@code published}). */
    private static List<String> domainsThatVerify(byte[] message, Map<String, String> published) throws Exception {
        DKIMVerifier verifier = new DKIMVerifier((method, selector, domain) -> {
            String record = published.get(selector + "._domainkey." + domain);
            if (record == null) {
                throw new PermFailException("no key " + selector + "._domainkey." + domain);
            }
            return List.of(record);
        });
        return verifier.verify(new ByteArrayInputStream(message)).stream().map(SignatureRecord::getDToken).map(CharSequence::toString)
            .collect(Collectors.toList());
    }
}
