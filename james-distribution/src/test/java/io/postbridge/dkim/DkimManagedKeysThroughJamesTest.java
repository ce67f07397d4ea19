package io.postbridge.dkim;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.core.dkim.rotation.FileDkimKeyRepository;
import io.postbridge.core.dkim.rotation.ManagedDkimKey;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Keys generated and rotated through WebAdmin sign mail without any key in mailetcontainer.xml; the DNS records the
 * routes print are the ones recipients' verifiers need. The keys live in the store (encrypted), follow the schedule
 * of postbridge.properties, and keep signing after a master-key rotation and a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DkimManagedKeysThroughJamesTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200));
    private static final String KEYS = "/postbridge/dkim/domains/example.com/keys";
    /** dkim.rotation.activationDelay of this server (the built-in default is 48h). */
    private static final String CONFIGURED_DELAY = "3h";

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    /** The server's directory (var/postbridge holds the store), known once the configuration is written. */
    private static Path serverDirectory;

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        serverDirectory = conf.dir().getParent();
        conf.relayThrough(mx.hostAndPort(), "1 second");
        conf.property("postbridge.properties", "dkim.rotation.activationDelay", CONFIGURED_DELAY);
    });

    @TempDir
    static Path dir;
    private static Map<String, Integer> ports;
    private static WebAdmin webAdmin;
    private static Http http;

    @BeforeAll
    static void setUp() throws Exception {
        connect(james.getGuiceJamesServer());
        webAdmin.addUser("alice@example.com", "alice-secret");
    }

    /** Ports and clients of a freshly started server (its users are kept across a restart). */
    private static void connect(GuiceJamesServer server) throws Exception {
        ports = PostbridgeJames.smtpPorts(server);
        webAdmin = PostbridgeJames.webAdmin(server);
        http = new Http(server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
    }

    @Test
    @Order(1)
    void withoutKeysMailLeavesUnsigned() throws Exception {
        assertThat(send("m0")).doesNotContain("DKIM-Signature:");
    }

    @Test
    @Order(2)
    void aRotationGeneratesRsaAndEd25519KeysThatSignAndVerifyAgainstThePrintedRecords() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        HttpResponse<String> rotated = http.post("/postbridge/dkim/domains/example.com/rotate", "{\"activateAfter\":\"0s\"}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        JsonNode keys = WebAdmin.parse(rotated.body());
        assertThat(keys).hasSize(2);
        assertThat(keys.findValuesAsText("state")).containsOnly("active");
        assertThat(keys.findValuesAsText("algorithm")).containsExactlyInAnyOrder("rsa-sha256", "ed25519-sha256");
        String zone = webAdmin.get("/postbridge/dkim/domains/example.com/dns").body();
        assertThat(zone).contains("._domainkey.example.com. 3600 IN TXT ( \"v=DKIM1; k=rsa; h=sha256; p=")
            .contains("\"v=DKIM1; k=ed25519; p=");

        String received = send("m1");

        ExternalDkimVerifiers.Verdict verdict = verify(received, keyFile(keys));
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        for (JsonNode key : keys) {
            assertThat(verdict.output).contains("s=" + key.path("selector").asText() + " a=" + key.path("algorithm").asText()
                + " result=pass");
        }
    }

    @Test
    @Order(3)
    void aSecondRotationWaitsForItsDelayThenReplacesTheOldKeysWhichStayListedAsRetired() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        List<String> oldSelectors = selectors(webAdmin.getJson(KEYS), "active");
        HttpResponse<String> rotated = http.post("/postbridge/dkim/domains/example.com/rotate", "{\"activateAfter\":\"48h\"}");
        assertThat(rotated.statusCode()).isEqualTo(201);
        JsonNode fresh = WebAdmin.parse(rotated.body());
        assertThat(fresh.findValuesAsText("state")).containsOnly("pending");
        assertThat(send("m2")).as("pending keys do not sign yet").doesNotContain("s=" + fresh.get(0).path("selector").asText() + ";");

        for (JsonNode key : fresh) {
            HttpResponse<String> activated = http.post(KEYS + "/" + key.path("selector").asText() + "?action=activate", "");
            assertThat(activated.statusCode()).as(activated.body()).isEqualTo(200);
        }

        JsonNode all = webAdmin.getJson(KEYS);
        assertThat(selectors(all, "retired")).containsExactlyInAnyOrderElementsOf(oldSelectors);
        String received = send("m3");
        ExternalDkimVerifiers.Verdict verdict = verify(received, keyFile(all));
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        for (String selector : selectors(fresh, "pending")) {
            assertThat(verdict.output).contains("s=" + selector + " ");
        }
        for (String selector : oldSelectors) {
            assertThat(verdict.output).doesNotContain("s=" + selector + " ");
        }

        assertThat(http.delete(KEYS + "/" + selectors(fresh, "pending").get(0)).statusCode()).as("signing key").isEqualTo(409);
        assertThat(http.delete(KEYS + "/" + oldSelectors.get(0)).statusCode()).isEqualTo(204);
    }

    @Test
    @Order(4)
    void aKeyThatRequiresItsDnsRecordWaitsAndSaysWhy() throws Exception {
        HttpResponse<String> created = http.post(KEYS, "{\"algorithm\":\"ed25519\",\"selector\":\"needs-dns\","
            + "\"activateAfter\":\"0s\",\"requireDnsMatch\":true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(WebAdmin.parse(created.body()).path("state").asText()).isEqualTo("awaiting-dns");

        HttpResponse<String> checked = http.post(KEYS + "/needs-dns?action=check-dns", "");

        assertThat(checked.statusCode()).isEqualTo(200);
        JsonNode status = WebAdmin.parse(checked.body());
        assertThat(status.path("state").asText()).isEqualTo("awaiting-dns");
        assertThat(status.path("dnsProblem").asText()).contains("needs-dns._domainkey.example.com");
    }

    @Test
    @Order(5)
    void badRequestsGetClearErrors() throws Exception {
        HttpResponse<String> sha1 = http.post(KEYS, "{\"algorithm\":\"rsa-sha1\"}");
        assertThat(sha1.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(sha1.body()).path("message").asText()).contains("RFC 8301");

        HttpResponse<String> weak = http.post(KEYS, "{\"rsaBits\":512}");
        assertThat(weak.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(weak.body()).path("message").asText()).contains("1024 to 4096");

        assertThat(http.post(KEYS + "/nope?action=retire", "").statusCode()).isEqualTo(404);
        assertThat(http.post(KEYS + "/needs-dns?action=explode", "").statusCode()).isEqualTo(400);
        assertThat(http.post(KEYS, "not json").statusCode()).isEqualTo(400);
        assertThat(http.post("/postbridge/dkim/domains/not_a_domain/keys", "{}").statusCode()).isEqualTo(400);
        assertThat(http.post(KEYS, "{\"activateAfter\":\"soon\"}").statusCode()).isEqualTo(400);
    }

    @Test
    @Order(6)
    void aKeyGeneratedWithoutADelayWaitsTheDelayConfiguredInPostbridgeProperties() throws Exception {
        Instant before = Instant.now();
        HttpResponse<String> created = http.post(KEYS, "{\"algorithm\":\"ed25519\",\"selector\":\"configured-delay\"}");
        Instant after = Instant.now();

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode key = WebAdmin.parse(created.body());
        assertThat(key.path("state").asText()).isEqualTo("pending");
        // dkim.rotation.activationDelay=3h, not the built-in 48 h
        Instant activateAt = Instant.parse(key.path("activateAt").asText());
        assertThat(activateAt).isBetween(before.plus(Duration.ofHours(3)).truncatedTo(ChronoUnit.MILLIS),
            after.plus(Duration.ofHours(3)));
        assertThat(http.delete(KEYS + "/configured-delay").statusCode()).isEqualTo(204);
    }

    @Test
    @Order(7)
    void managedKeysSignAfterAMasterKeyRotationAndARestartAndKeysOfEarlierVersionsAreImported() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        JsonNode before = webAdmin.getJson(KEYS);
        String rsaSelector = activeSelector(before, "rsa-sha256");
        HttpResponse<String> rotated = http.post("/postbridge/master-key/rotate", "");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(WebAdmin.parse(rotated.body()).path("reencrypted").asInt()).as("every DKIM key was re-encrypted")
            .isGreaterThanOrEqualTo(before.size());

        GuiceJamesServer server = james.getGuiceJamesServer();
        server.stop();
        // meanwhile, an Ed25519 key as earlier versions kept it: a file under var/postbridge/dkim
        DkimPrivateKey legacy = new DkimKeyGenerator().generate(DkimAlgorithm.ED25519_SHA256);
        Path legacyFolder = serverDirectory.resolve("var/postbridge/dkim");
        new FileDkimKeyRepository(legacyFolder).save(new ManagedDkimKey("example.com", "legacy-ed",
            DkimAlgorithm.ED25519_SHA256, legacy.pkcs8(), legacy.publicKeyBase64(), Instant.now(), Optional.of(Instant.now()),
            Optional.empty(), false, Optional.empty(), Optional.empty(), Optional.empty()));
        server.start();
        connect(server);

        assertThat(legacyFolder).doesNotExist();
        assertThat(serverDirectory.resolve("var/postbridge/dkim.imported/example.com/legacy-ed.properties")).exists();
        JsonNode after = webAdmin.getJson(KEYS);
        assertThat(activeSelector(after, "rsa-sha256")).as("the key generated through WebAdmin").isEqualTo(rsaSelector);
        assertThat(activeSelector(after, "ed25519-sha256")).as("the imported key, newer than ours").isEqualTo("legacy-ed");

        String received = send("m-restart");

        ExternalDkimVerifiers.Verdict verdict = verify(received, keyFile(after));
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        assertThat(verdict.output).contains("s=" + rsaSelector + " a=rsa-sha256 result=pass")
            .contains("s=legacy-ed a=ed25519-sha256 result=pass");
    }

    private static String activeSelector(JsonNode keys, String algorithm) {
        List<String> found = new ArrayList<>();
        keys.forEach(k -> {
            if (k.path("state").asText().equals("active") && k.path("algorithm").asText().equals(algorithm)) {
                found.add(k.path("selector").asText());
            }
        });
        assertThat(found).as("active " + algorithm + " keys in " + keys).hasSize(1);
        return found.get(0);
    }

    private static List<String> selectors(JsonNode keys, String state) {
        List<String> selectors = new ArrayList<>();
        keys.forEach(k -> {
            if (k.path("state").asText().equals(state)) {
                selectors.add(k.path("selector").asText());
            }
        });
        return selectors;
    }

    private static Path keyFile(JsonNode keys) throws IOException {
        List<String> lines = new ArrayList<>();
        keys.forEach(k -> lines.add(k.path("dnsRecord").path("name").asText() + " " + k.path("dnsRecord").path("value").asText()));
        return Files.write(Files.createTempFile(dir, "keys", ".txt"), lines);
    }

    private static ExternalDkimVerifiers.Verdict verify(String message, Path keys) throws IOException {
        return ExternalDkimVerifiers.verifyAll(keys, message.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), dir);
    }

    private static String send(String id) throws Exception {
        String recipient = id + "@remote.test";
        try (SmtpClient smtp = SmtpClient.connect(ports.get(SUBMISSION))) {
            smtp.ehlo();
            assertThat(smtp.startTls()).startsWith("250");
            assertThat(smtp.authPlain("alice@example.com", "alice-secret")).startsWith("235");
            assertThat(smtp.send("alice@example.com", recipient,
                SmtpClient.message("alice@example.com", recipient, "managed " + id, id + "@example.com", "hello"))).startsWith("250");
        }
        WiserMessage message = AWAIT.until(() -> mx.messages().stream()
            .filter(m -> m.getEnvelopeReceiver().equals(recipient)).findFirst(), Optional::isPresent).get();
        return new String(message.getData(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** POST and DELETE, which the shared WebAdmin client does not offer. */
    private static final class Http {
        private final HttpClient client = HttpClient.newHttpClient();
        private final int port;

        Http(int port) {
            this.port = port;
        }

        HttpResponse<String> post(String path, String body) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> delete(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        }
    }
}
