package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * What an operator does with an existing James: stock {@code MemoryJamesServerMain} from James's own jars,
 * only the bundle jar dropped into {@code extensions-jars/}, and Postbridge's conf/. Proves the bundle loads
 * without class-path clashes and its module, hook, matcher, mailet and route all work there.
 */
class StockJamesInstallIT {
    @TempDir
    Path tmp;

    @Test
    void bundleDroppedIntoStockJamesLoadsAndProcessesMail() throws Exception {
        Path james = tmp.resolve("james");
        Files.createDirectories(james.resolve("extensions-jars"));
        Files.copy(Path.of(System.getProperty("postbridge.bundle.jar")), james.resolve("extensions-jars/postbridge-bundle.jar"));
        ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), james.resolve("conf"));
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        ports.applyTo(conf).relayThrough(mx.hostAndPort(), "1 second");
        FakeProviders fake = FakeProviders.start().googleClient("gc", "gs").googleUser("rt-g", "gmailer@example.com")
            .microsoftApp("tenant-1", "mc", "ms");
        ApiDeliverySupport.pointAtFakes(conf, fake, "1 hour");

        try (fake; ServerProcess server = ServerProcess.stockJames(james)) {
            server.start().awaitLog(ServerProcess.JAMES_STARTED);
            assertThat(server.log())
                .contains("Enabling injects contained in io.postbridge.auth.PostbridgeModule")
                .contains("Loading WebAdmin route extension")
                .doesNotContain("Postbridge: ready"); // stock James: none of the Postbridge server main

            WebAdmin webAdmin = ports.webAdmin();
            webAdmin.addUser("alice@example.com", "alice-secret");
            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("someone@elsewhere.test", "alice@example.com",
                    SmtpClient.message("someone@elsewhere.test", "alice@example.com", "in", "stock-in@test", "inbound")))
                    .startsWith("250");
            }
            try (SmtpClient smtp = SmtpClient.connect(ports.submission)) {
                smtp.ehlo();
                smtp.startTls();
                assertThat(smtp.authPlain("alice@example.com", "alice-secret")).startsWith("235");
                assertThat(smtp.send("alice@example.com", "bob@remote.test",
                    SmtpClient.message("alice@example.com", "bob@remote.test", "out", "stock-out@test", "outbound")))
                    .startsWith("250");
            }

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> mx.messageIds().contains("<stock-out@test>"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                Events.typesFor(webAdmin, "stock-in@test").contains("delivered")
                    && Events.typesFor(webAdmin, "stock-out@test").contains("delivered"));
            assertThat(Events.typesFor(webAdmin, "stock-in@test")).containsExactly("received", "delivered");
            assertThat(Events.typesFor(webAdmin, "stock-out@test")).containsExactly("received", "queued", "delivered");

            // API delivery: the shaded token libraries (google-auth-library, msal4j) work inside stock James
            assertThat(server.log()).contains("Postbridge API delivery: queue postbridge-api");
            webAdmin.addUser("gmailer@example.com", "pw-gmailer");
            webAdmin.addUser("grapher@example.com", "pw-grapher");
            assertThat(webAdmin.put("/postbridge/provider-accounts/gmailer@example.com",
                "{\"provider\":\"gmail\",\"clientId\":\"gc\",\"clientSecret\":\"gs\",\"refreshToken\":\"rt-g\"}").statusCode())
                .isEqualTo(204);
            assertThat(webAdmin.put("/postbridge/provider-accounts/grapher@example.com",
                "{\"provider\":\"graph\",\"tenant\":\"tenant-1\",\"clientId\":\"mc\",\"clientSecret\":\"ms\"}").statusCode())
                .isEqualTo(204);
            assertThat(webAdmin.getJson("/postbridge/provider-accounts").toString()).contains("gmailer@example.com")
                .doesNotContain("gs").doesNotContain("rt-g");
            for (String user : java.util.List.of("gmailer", "grapher")) {
                assertThat(ApiDeliverySupport.submit(ports.submission, user + "@example.com", "pw-" + user,
                    java.util.List.of("bob@remote.test"), TestMessages.simple(user + "@example.com", "bob@remote.test", "api",
                        "stock-" + user + "@test").getBytes(java.nio.charset.StandardCharsets.UTF_8))).startsWith("250");
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fake.delivered().size() == 2);
            assertThat(fake.delivered()).extracting(d -> d.provider).containsExactlyInAnyOrder("gmail", "graph");
            assertThat(fake.googleTokenRequests()).isEqualTo(1);
            assertThat(fake.microsoftTokenRequests()).isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                Events.typesFor(webAdmin, "stock-grapher@test").contains("delivered"));
        } finally {
            mx.stop();
        }
    }
}
