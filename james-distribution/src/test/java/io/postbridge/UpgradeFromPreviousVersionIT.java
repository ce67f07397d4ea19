package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * A {@code var/} written by the server before James's state became durable (fixture: see its .properties file)
 * starts under this version and keeps what Postbridge stored: the account and its API key, the run-time alias, the
 * managed DKIM key, the events, and the mail that was waiting in the outgoing queue, which now leaves.
 */
class UpgradeFromPreviousVersionIT {
    private static final String FIXTURE = "/upgrade/postbridge-0.1.0-main-0645ee8";

    @TempDir
    Path tmp;

    @Test
    void previousVarStartsAndKeepsEverything() throws Exception {
        Properties fixture = new Properties();
        try (InputStream in = getClass().getResourceAsStream(FIXTURE + ".properties")) {
            fixture.load(in);
        }
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            unpack(FIXTURE + ".tar.gz", server.home());
            ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second");
            server.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();

            String queuedId = fixture.getProperty("queuedMessageId");
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> mx.messageIds().contains(queuedId));
            // the queued mail of an upgraded var/ is delivered right at the start, and nothing else arrives (no DSN):
            // once, or twice where James's at-least-once queue allows it, never again and again (the processors
            // RemoteDelivery hands it to afterwards start before it: conf/mailetcontainer.xml)
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                Events.typesFor(webAdmin, queuedId.substring(1, queuedId.length() - 1)).contains("delivered"));
            assertThat(mx.messageIds()).containsOnly(queuedId);
            assertThat(mx.messageIds()).as("copies of the queued mail at the MX").hasSizeBetween(1, 2);

            assertThat(webAdmin.getJson("/postbridge/accounts/erp").path("liveKeys").asInt()).isEqualTo(1);
            try (SmtpClient smtp = SmtpClient.connect(ports.submission)) {
                smtp.ehlo();
                smtp.startTls();
                assertThat(smtp.authPlain("erp", fixture.getProperty("apiKey"))).as("the old API key").startsWith("235");
            }
            assertThat(webAdmin.getJson("/postbridge/aliases/" + fixture.getProperty("alias")).path("targets").toString())
                .contains(fixture.getProperty("aliasTarget"));
            assertThat(webAdmin.getJson("/postbridge/dkim/domains/example.com/keys").toString())
                .contains("\"" + fixture.getProperty("dkimSelector") + "\"");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                Events.typesFor(webAdmin, queuedId.substring(1, queuedId.length() - 1)).contains("delivered"));
            assertThat(Events.typesFor(webAdmin, queuedId.substring(1, queuedId.length() - 1)))
                .contains("received", "queued", "delivered");
            assertThat(server.home().resolve("var/james/derby")).as("James's database created next to the old data")
                .isDirectory();
        } finally {
            mx.stop();
        }
    }

    private static void unpack(String resource, Path home) throws Exception {
        Path archive = Files.createTempFile("fixture", ".tar.gz");
        try (InputStream in = UpgradeFromPreviousVersionIT.class.getResourceAsStream(resource)) {
            Files.copy(in, archive, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Process tar = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", home.toString()).inheritIO().start();
        assertThat(tar.waitFor()).as("tar xzf " + resource).isZero();
        Files.delete(archive);
    }
}
