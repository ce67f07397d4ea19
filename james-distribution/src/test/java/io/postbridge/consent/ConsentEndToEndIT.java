package io.postbridge.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import io.postbridge.core.fakes.Delivered;
import io.postbridge.core.fakes.FakeConsent;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;

/**
 * The consent pages on the assembled server, run as an operator runs it ({@code bin/postbridge}, the shaded bundle in
 * extensions-jars/, the shipped conf/ with the listener switched on, HTTPS on the certificate the first start
 * generates): headless Chromium connects a Gmail and a Microsoft 365 mailbox against the fake sign-in servers, and the
 * key each page shows passes SMTP AUTH and sends mail that reaches the fake Gmail API / Graph as that mailbox; a
 * sign-in begun before a restart of the server finishes after it.
 */
class ConsentEndToEndIT {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    private static final String GOOGLE_ID = "e2e-consent.apps.googleusercontent.com";
    private static final String GOOGLE_SECRET = "google-e2e-consent-secret";
    private static final String MS_ID = "abababab-cdcd-efef-0101-232323232323";
    private static final String MS_SECRET = "ms-e2e-consent-secret";
    private static final String TENANT = "99999999-8888-7777-6666-555555555555";

    @TempDir
    Path tmp;

    @Test
    void aBrowserConnectsGmailAndMicrosoftMailboxesOnTheAssembledServerAndTheirKeysSendAsThem() throws Exception {
        ConsentBrowser.require();
        int consentPort = FakeMx.freePort();
        String external = "https://127.0.0.1:" + consentPort;
        Ports ports = new Ports();
        FakeMx mx = new FakeMx();
        mx.start();
        WebDriver browser = ConsentBrowser.start();
        try (FakeProviders providers = FakeProviders.start().googleClient(GOOGLE_ID, GOOGLE_SECRET).microsoftApp(TENANT, MS_ID, MS_SECRET);
             FakeConsent fake = FakeConsent.start(providers)
                 .client(GOOGLE_ID, GOOGLE_SECRET, URI.create(external + "/connect/google/callback"))
                 .client(MS_ID, MS_SECRET, URI.create(external + "/connect/microsoft/callback"))
                 .googleUser("carol@example.com").microsoftUser("dan@example.com", TENANT);
             ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            ConfFolder conf = ApiDeliverySupport.pointAtFakes(ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second"),
                providers, "1 hour");
            consentOn(conf, fake, consentPort, external);
            server.start().awaitLog(ServerProcess.READY);
            assertThat(server.logSinceLastStart()).contains("public web listener on https://127.0.0.1:" + consentPort);

            browser.get(external + "/connect");
            browser.findElement(By.id("connect-google")).click();
            heading(browser, "carol@example.com"); // the fake Google consent screen
            browser.findElement(By.id("allow")).click();
            heading(browser, "carol@example.com is connected");
            String username = browser.findElement(By.id("smtp-username")).getText();
            String key = browser.findElement(By.id("api-key")).getText();
            assertThat(username).isEqualTo("carol.at.example.com");
            assertThat(browser.findElement(By.id("smtp-port")).getText()).isEqualTo("587");
            sendAndExpectDelivery(providers, ports.submission, username, key, "carol@example.com", "gmail", "consent-e2e-gmail@test");

            browser.navigate().refresh();
            heading(browser, "This link was used");
            assertThat(browser.getPageSource()).doesNotContain(key);

            browser.manage().deleteAllCookies();
            browser.get(external + "/connect");
            browser.findElement(By.id("connect-microsoft")).click();
            heading(browser, "dan@example.com");
            browser.findElement(By.id("allow")).click();
            heading(browser, "dan@example.com is connected");
            String msUsername = browser.findElement(By.id("smtp-username")).getText();
            String msKey = browser.findElement(By.id("api-key")).getText();
            sendAndExpectDelivery(providers, ports.submission, msUsername, msKey, "dan@example.com", "graph", "consent-e2e-graph@test");
            assertThat(fake.violations()).isEmpty();

            // a sign-in begun before a restart finishes after it: the attempt is in the store, not in the process
            fake.googleUser("erin@example.com");
            browser.manage().deleteAllCookies();
            browser.get(external + "/connect/google");
            heading(browser, "erin@example.com");
            assertThat(server.stop()).isIn(0, 143);
            server.start().awaitLog(ServerProcess.READY);
            browser.findElement(By.id("allow")).click();
            heading(browser, "erin@example.com is connected");
            String erinKey = browser.findElement(By.id("api-key")).getText();
            sendAndExpectDelivery(providers, ports.submission, "erin.at.example.com", erinKey, "erin@example.com", "gmail", "consent-e2e-restart@test");
            assertThat(fake.violations()).isEmpty();

            String log = server.log();
            assertThat(log).as("sanity: the log holds the AUTH lines").contains("as 'carol.at.example.com' succeeded");
            assertThat(log).doesNotContain(key.substring(21)).doesNotContain(msKey.substring(21)).doesNotContain(GOOGLE_SECRET);
        } finally {
            browser.quit();
            mx.stop();
        }
    }

    static ConfFolder consentOn(ConfFolder conf, FakeConsent fake, int port, String external) {
        String file = "postbridge.properties";
        return conf.property(file, "consent.enabled", "true")
            .property(file, "consent.web.host", "127.0.0.1")
            .property(file, "consent.web.port", Integer.toString(port))
            .property(file, "consent.web.externalUrl", external)
            .property(file, "consent.google.clientId", GOOGLE_ID)
            .property(file, "consent.google.clientSecret", GOOGLE_SECRET)
            .property(file, "consent.google.authorizeEndpoint", fake.googleAuthorize().toString())
            .property(file, "consent.google.tokenEndpoint", fake.googleToken().toString())
            .property(file, "consent.google.userinfoEndpoint", fake.googleUserinfo().toString())
            .property(file, "consent.google.revokeEndpoint", fake.googleRevoke().toString())
            .property(file, "consent.microsoft.clientId", MS_ID)
            .property(file, "consent.microsoft.clientSecret", MS_SECRET)
            .property(file, "consent.microsoft.tenant", "organizations")
            .property(file, "consent.microsoft.authorizeEndpoint", fake.microsoftAuthorize("organizations").toString())
            .property(file, "consent.microsoft.tokenEndpoint", fake.microsoftToken("organizations").toString())
            .property(file, "consent.microsoft.meEndpoint", fake.graphMe().toString());
    }

    static void sendAndExpectDelivery(FakeProviders providers, int submission, String username, String key, String mailbox,
                                      String provider, String messageId) throws Exception {
        byte[] message = TestMessages.simple(mailbox, "friend@remote.test", "sent with the consent key", messageId)
            .getBytes(StandardCharsets.UTF_8);
        try (SmtpClient smtp = SmtpClient.connect(submission)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain(username, key)).startsWith("235");
            assertThat(ApiDeliverySupport.transaction(smtp, mailbox, List.of("friend@remote.test"), message)).startsWith("250");
        }
        AWAIT.until(() -> providers.delivered().stream().anyMatch(d -> d.uploadedText().contains(messageId)));
        Delivered delivered = providers.delivered().stream().filter(d -> d.uploadedText().contains(messageId)).findFirst().orElseThrow();
        assertThat(delivered.provider).isEqualTo(provider);
        assertThat(delivered.sentAs).isEqualTo(mailbox);
        assertThat(delivered.recipients).containsExactly("friend@remote.test");
    }

    static void heading(WebDriver browser, String expected) {
        try {
            AWAIT.atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> browser.findElement(By.tagName("h1")).getText().equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("expected the heading '" + expected + "' on " + browser.getCurrentUrl() + ": " + browser.getPageSource());
        }
    }
}
