package io.postbridge.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.postbridge.core.fakes.Delivered;
import io.postbridge.core.fakes.FakeConsent;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ExtensionProbe;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * A person with only a browser connects a Gmail and a Microsoft 365 mailbox on the real server (in-process James,
 * the shipped conf/, the public listener on HTTPS with the server's certificate) against the fake sign-in servers,
 * and the key they are shown sends mail through the fake Gmail API / Graph as that mailbox. The browser also tries
 * the edge cases (unticked send permission, deny, reload of the key page); plain HTTP requests try the attacks.
 */
class ConsentFlowTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    private static final String GOOGLE_ID = "consent-1.apps.googleusercontent.com";
    private static final String GOOGLE_SECRET = "google-consent-secret";
    private static final String MS_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final String MS_SECRET = "ms-consent-secret";
    private static final String TENANT = "11111111-2222-3333-4444-555555555555";
    private static final String GMAIL_SEND_BOX = "scope-https___www_googleapis_com_auth_gmail_send";
    private static final int PORT = FakeMx.freePort();
    private static final String EXTERNAL = "https://127.0.0.1:" + PORT;
    private static final Path SCREENSHOTS = Path.of("target/consent-screenshots");

    private static final FakeProviders providers = FakeProviders.start().googleClient(GOOGLE_ID, GOOGLE_SECRET)
        .microsoftApp(TENANT, MS_ID, MS_SECRET);
    private static final FakeConsent fake = FakeConsent.start(providers)
        .client(GOOGLE_ID, GOOGLE_SECRET, URI.create(EXTERNAL + "/connect/google/callback"))
        .client(MS_ID, MS_SECRET, URI.create(EXTERNAL + "/connect/microsoft/callback"))
        .microsoftUser("bob@example.com", TENANT);
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough(mx.hostAndPort(), "1 second");
        ApiDeliverySupport.pointAtFakes(conf, providers, "1 hour");
        String file = "postbridge.properties";
        conf.property(file, "consent.enabled", "true")
            .property(file, "consent.web.host", "127.0.0.1")
            .property(file, "consent.web.port", Integer.toString(PORT))
            .property(file, "consent.web.externalUrl", EXTERNAL)
            .property(file, "consent.smtp.host", "smtp.example.com")
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
    }, ExtensionProbe.MODULE);

    private static WebDriver browser;
    private static ch.qos.logback.classic.Level postbridgeLevel;
    private static WebAdmin webAdmin;
    private static int submission;
    private static SSLContext TRUST_ALL;

    @BeforeAll
    static void setUp() throws Exception {
        LOGS.start();
        // the whole server's log (root), and Postbridge's at INFO whatever an earlier test in this JVM configured
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        Logger postbridge = (Logger) LoggerFactory.getLogger("io.postbridge");
        postbridgeLevel = postbridge.getLevel();
        postbridge.setLevel(ch.qos.logback.classic.Level.INFO);
        postbridge.addAppender(LOGS);
        webAdmin = PostbridgeJames.webAdmin(james.getGuiceJamesServer());
        submission = PostbridgeJames.smtpPorts(james.getGuiceJamesServer()).get(PostbridgeJames.SUBMISSION);
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        TRUST_ALL = trustAll;
        if (ConsentBrowser.available()) {
            browser = ConsentBrowser.start();
        }
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void tearDown() {
        Logger postbridge = (Logger) LoggerFactory.getLogger("io.postbridge");
        postbridge.detachAppender(LOGS);
        postbridge.setLevel(postbridgeLevel);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        if (browser != null) {
            browser.quit();
        }
        fake.close();
        providers.close();
    }

    @BeforeEach
    void reset() {
        fake.autoGrant(null).tokenDown(false).googleUser("alice@example.com");
        providers.reset();
    }

    // ---------------------------------------------------------------- with the browser

    @Test
    void aGmailUserConnectsInTheBrowserAndTheirKeySendsMailThroughGmailAsThem() throws Exception {
        ConsentBrowser.require();
        fake.googleUser("alice@example.com");
        browser.manage().deleteAllCookies();
        browser.get(EXTERNAL + "/connect");
        screenshot("1-connect");
        browser.findElement(By.id("connect-google")).click();
        heading("alice@example.com"); // the fake consent screen
        screenshot("2-consent");
        browser.findElement(By.id("allow")).click();

        heading("alice@example.com is connected");
        screenshot("3-key");
        String username = browser.findElement(By.id("smtp-username")).getText();
        String key = browser.findElement(By.id("api-key")).getText();
        assertThat(username).isEqualTo("alice.at.example.com");
        assertThat(browser.findElement(By.id("smtp-host")).getText()).isEqualTo("smtp.example.com");
        assertThat(browser.findElement(By.id("smtp-port")).getText()).isEqualTo("587");
        assertThat(browser.findElement(By.id("smtp-security")).getText()).isEqualTo("STARTTLS");
        assertThat(browser.findElements(By.id("copy"))).hasSize(1);
        String keyPageUrl = browser.getCurrentUrl();

        sendAndExpectDelivery(username, key, "alice@example.com", "gmail", "consent-gmail@test");

        // reload, back-and-forward, a bookmark of the key page: never the key again
        browser.navigate().refresh();
        heading("This link was used");
        assertThat(browser.getPageSource()).doesNotContain(key);
        screenshot("4-reloaded");
        browser.get(EXTERNAL + "/connect");
        browser.navigate().back();
        assertThat(browser.getPageSource()).doesNotContain(key);
        browser.get(keyPageUrl);
        assertThat(browser.getPageSource()).doesNotContain(key).contains("This link was used");
        // the log is captured (the connect is in it), the key is not
        assertThat(logText()).contains("connected through Google as account 'alice.at.example.com'").doesNotContain(secretOf(key));
        assertThat(webAdmin.get("/postbridge/events?limit=500").body()).contains("\"connected\"").doesNotContain(secretOf(key));
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void untickingGmailSendRevokesTheGrantAndTheRetryConnects() throws Exception {
        ConsentBrowser.require();
        fake.googleUser("carol@example.com");
        browser.manage().deleteAllCookies();
        browser.get(EXTERNAL + "/connect/google");
        browser.findElement(By.id(GMAIL_SEND_BOX)).click();
        browser.findElement(By.id("allow")).click();

        heading("Permission to send mail is missing");
        screenshot("5-scope-missing");
        assertThat(fake.revoked()).isNotEmpty();
        assertThat(webAdmin.get("/postbridge/accounts/carol.at.example.com").statusCode()).isEqualTo(404);

        browser.findElement(By.id("retry")).click();
        Map<String, String> lastAuthorize = fake.authorizeRequests().get(fake.authorizeRequests().size() - 1);
        assertThat(lastAuthorize).containsEntry("login_hint", "carol@example.com");
        browser.findElement(By.id("allow")).click();
        heading("carol@example.com is connected");
        assertThat(webAdmin.get("/postbridge/accounts/carol.at.example.com").statusCode()).isEqualTo(200);
    }

    @Test
    void denyingConsentShowsWhatToDoAndCreatesNothing() throws Exception {
        ConsentBrowser.require();
        fake.googleUser("dave@example.com");
        browser.manage().deleteAllCookies();
        browser.get(EXTERNAL + "/connect/google");
        browser.findElement(By.id("deny")).click();
        heading("You did not allow access");
        screenshot("6-denied");
        assertThat(browser.findElements(By.id("retry"))).hasSize(1);
        assertThat(webAdmin.get("/postbridge/accounts/dave.at.example.com").statusCode()).isEqualTo(404);
    }

    @Test
    void aMicrosoftUserConnectsAndTheirKeySendsThroughGraphAsThem() throws Exception {
        ConsentBrowser.require();
        browser.manage().deleteAllCookies();
        browser.get(EXTERNAL + "/connect");
        browser.findElement(By.id("connect-microsoft")).click();
        heading("bob@example.com");
        browser.findElement(By.id("allow")).click();
        heading("bob@example.com is connected");
        String username = browser.findElement(By.id("smtp-username")).getText();
        String key = browser.findElement(By.id("api-key")).getText();

        sendAndExpectDelivery(username, key, "bob@example.com", "graph", "consent-graph@test");
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void decliningAtMicrosoftShowsTheAadstsCodeAsAPlainSentence() throws Exception {
        ConsentBrowser.require();
        browser.manage().deleteAllCookies();
        browser.get(EXTERNAL + "/connect/microsoft");
        heading("bob@example.com");
        browser.findElement(By.id("deny")).click();
        heading("You did not allow access");
        assertThat(browser.findElement(By.className("provider")).getText())
            .contains("You declined to give the app the permissions it asked for.").doesNotContain("AADSTS65004");
        assertThat(browser.findElement(By.id("retry")).getAttribute("href")).isEqualTo(EXTERNAL + "/connect/microsoft");
    }

    @Test
    void connectingAgainGivesANewKeyAndTheOldOneStopsWorking() throws Exception {
        ConsentBrowser.require();
        fake.googleUser("erin@example.com");
        String first = connectInBrowser();
        String second = connectInBrowser();
        assertThat(browser.findElement(By.id("revoked")).getText()).contains("no longer works");
        assertThat(second).isNotEqualTo(first);
        assertThat(submit("erin.at.example.com", first, "erin@example.com",
            TestMessages.simple("erin@example.com", "x@remote.test", "old", "old@test").getBytes(StandardCharsets.UTF_8))).startsWith("535");
        sendAndExpectDelivery("erin.at.example.com", second, "erin@example.com", "gmail", "consent-again@test");
        JsonNode account = webAdmin.getJson("/postbridge/accounts/erin.at.example.com");
        assertThat(account.path("liveKeys").asLong()).isEqualTo(1);
    }

    private String connectInBrowser() {
        browser.manage().deleteAllCookies();
        browser.get(EXTERNAL + "/connect/google");
        browser.findElement(By.id("allow")).click();
        heading("erin@example.com is connected");
        return browser.findElement(By.id("api-key")).getText();
    }

    // ---------------------------------------------------------------- attacks, over plain HTTP

    @Test
    void everyPageCarriesTheSecurityHeadersAndTheKeyPageIsNeverCached() throws Exception {
        Page landing = get("/connect", Optional.empty());
        assertThat(landing.status).isEqualTo(200);
        assertThat(landing.header("Content-Security-Policy").orElse("")).contains("frame-ancestors 'none'")
            .contains("default-src 'none'").doesNotContain("unsafe-inline");
        assertThat(landing.header("X-Frame-Options")).contains("DENY");

        Flow flow = startFlow("frank@example.com");
        Page keyPage = get(flow.callbackPathAndQuery, Optional.of(flow.cookie));
        assertThat(keyPage.status).isEqualTo(200);
        assertThat(keyPage.body).contains("frank@example.com is connected");
        assertThat(keyPage.header("Cache-Control")).contains("no-store");
        assertThat(keyPage.header("Referrer-Policy")).contains("no-referrer");
        assertThat(flow.setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Secure").contains("Path=/connect");

        Page again = get(flow.callbackPathAndQuery, Optional.of(flow.cookie));
        assertThat(again.status).isEqualTo(400);
        assertThat(again.body).contains("This link was used").doesNotContain("api-key");
    }

    @Test
    void aForgedAbsentOrForeignStateOrAMissingCookieConnectsNothing() throws Exception {
        int redemptions = fake.codeRedemptions();
        Flow flow = startFlow("grace@example.com");
        String withoutState = flow.callbackPathAndQuery.replaceAll("state=[^&]*&?", "");
        String forged = flow.callbackPathAndQuery.replaceAll("state=[^&]*", "state=AAAAforgedAAAA");

        assertThat(get(withoutState, Optional.of(flow.cookie)).body).contains("This sign-in link has expired");
        assertThat(get(forged, Optional.of(flow.cookie)).body).contains("This sign-in link has expired");
        Flow other = startFlow("grace@example.com");
        assertThat(get(other.callbackPathAndQuery, Optional.empty()).body).contains("This sign-in link has expired");
        assertThat(get(flow.callbackPathAndQuery, Optional.of(other.cookie)).body).contains("This sign-in link has expired");
        assertThat(fake.codeRedemptions()).isEqualTo(redemptions);
        assertThat(webAdmin.get("/postbridge/accounts/grace.at.example.com").statusCode()).isEqualTo(404);
    }

    @Test
    void noCallerSuppliedRedirectIsFollowedAndNothingRevealsWhichAccountsExist() throws Exception {
        Page start = get("/connect/google?redirect_uri=https%3A%2F%2Fevil.test%2F&return_to=https%3A%2F%2Fevil.test&next=//evil.test",
            Optional.empty());
        assertThat(start.status).isEqualTo(302);
        String location = start.header("Location").orElseThrow();
        assertThat(location).startsWith(fake.googleAuthorize().toString()).doesNotContain("evil");
        assertThat(query(URI.create(location))).containsEntry("redirect_uri", EXTERNAL + "/connect/google/callback");
        assertThat(get("//evil.test/connect", Optional.empty()).status).isEqualTo(404);

        for (String probe : List.of("/connect/status/alice@example.com", "/auth/status/alice@example.com", "/connect/yahoo",
            "/postbridge/accounts", "/connect/google/callback/../../postbridge/accounts")) {
            Page response = get(probe, Optional.empty());
            assertThat(response.status).as(probe).isEqualTo(404);
            assertThat(response.body).as(probe).isEqualTo("Not found\n");
        }
    }

    @Test
    void htmlInTheProvidersErrorDescriptionIsShownAsText() throws Exception {
        Flow flow = startFlow("heidi@example.com");
        String state = query(URI.create(EXTERNAL + flow.callbackPathAndQuery)).get("state");
        String injected = "/connect/google/callback?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8)
            + "&error=server_error&error_description=" + URLEncoder.encode("<script>alert(1)</script><b onmouseover=x>", StandardCharsets.UTF_8);
        Page page = get(injected, Optional.of(flow.cookie));
        assertThat(page.body).doesNotContain("<script>alert").doesNotContain("<b onmouseover")
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void aProviderOutageGetsATryAgainLaterPage() throws Exception {
        Flow flow = startFlow("ivan@example.com");
        fake.tokenDown(true);
        Page page = get(flow.callbackPathAndQuery, Optional.of(flow.cookie));
        assertThat(page.status).isEqualTo(503);
        assertThat(page.body).contains("is not answering").contains("try again in a few minutes");
    }

    @Test
    void aMailboxOfAnotherDomainIsRefused() throws Exception {
        Flow flow = startFlow("mallory@elsewhere.test");
        Page page = get(flow.callbackPathAndQuery, Optional.of(flow.cookie));
        assertThat(page.body).contains("This address cannot be connected here");
        assertThat(webAdmin.get("/postbridge/accounts/mallory.at.elsewhere.test").statusCode()).isEqualTo(404);
    }

    @Test
    void webAdminShowsTheRedirectUrisAndIssuesInvitationLinksForOneMailbox() throws Exception {
        JsonNode status = webAdmin.getJson("/postbridge/consent");
        assertThat(status.path("enabled").asBoolean()).isTrue();
        assertThat(status.path("providers").get(0).path("redirectUri").asText()).isEqualTo(EXTERNAL + "/connect/google/callback");
        assertThat(status.path("providers").get(1).path("redirectUri").asText()).isEqualTo(EXTERNAL + "/connect/microsoft/callback");

        var issued = webAdmin.post("/postbridge/consent/invitations", "{\"mailbox\":\"judy@example.com\",\"validFor\":\"1h\"}");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String link = WebAdmin.parse(issued.body()).path("link").asText();
        assertThat(link).startsWith(EXTERNAL + "/connect?invitation=");
        Page landing = get(link.substring(EXTERNAL.length()), Optional.empty());
        Matcher button = Pattern.compile("id=\"connect-google\" href=\"([^\"]+)\"").matcher(landing.body);
        assertThat(button.find()).isTrue();
        Page start = get(button.group(1).replace("&amp;", "&"), Optional.empty());
        assertThat(query(URI.create(start.header("Location").orElseThrow()))).containsEntry("login_hint", "judy@example.com");

        assertThat(webAdmin.post("/postbridge/consent/invitations", "{\"validFor\":\"soon\"}").statusCode()).isEqualTo(400);
        assertThat(webAdmin.post("/postbridge/consent/invitations", "{\"mailbox\":\"example.com\"}").statusCode()).isEqualTo(400);
        assertThat(webAdmin.post("/postbridge/consent/invitations", "{\"who\":\"x\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void webAdminSetsAProvidersOAuthClientWhichTheNextSignInUsesAndNeverAnswersItsSecret() throws Exception {
        String storedId = "stored-by-webadmin.apps.googleusercontent.com";
        String storedSecret = "webadmin-stored-google-secret";
        try {
            var put = webAdmin.put("/postbridge/consent/providers/google",
                "{\"clientId\":\"" + storedId + "\",\"clientSecret\":\"" + storedSecret + "\"}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
            var shown = webAdmin.get("/postbridge/consent/providers/google");
            assertThat(shown.statusCode()).isEqualTo(200);
            JsonNode client = WebAdmin.parse(shown.body());
            assertThat(client.path("source").asText()).isEqualTo("store");
            assertThat(client.path("clientId").asText()).isEqualTo(storedId);
            assertThat(client.path("clientSecretSet").asBoolean()).isTrue();
            assertThat(shown.body() + webAdmin.get("/postbridge/consent").body()).doesNotContain(storedSecret);
            assertThat(logText()).doesNotContain(storedSecret);

            Page start = get("/connect/google", Optional.empty());
            assertThat(query(URI.create(start.header("Location").orElseThrow()))).containsEntry("client_id", storedId);

            assertThat(webAdmin.put("/postbridge/consent/providers/google", "{\"clientId\":\"x\"}").statusCode()).isEqualTo(400);
            assertThat(webAdmin.put("/postbridge/consent/providers/yahoo", "{\"clientId\":\"x\",\"clientSecret\":\"y\"}").statusCode()).isEqualTo(400);
        } finally {
            assertThat(webAdmin.delete("/postbridge/consent/providers/google").statusCode()).isEqualTo(204);
        }
        assertThat(WebAdmin.parse(webAdmin.get("/postbridge/consent/providers/google").body()).path("source").asText()).isEqualTo("properties");
        Page start = get("/connect/google", Optional.empty());
        assertThat(query(URI.create(start.header("Location").orElseThrow()))).containsEntry("client_id", GOOGLE_ID);
        assertThat(webAdmin.delete("/postbridge/consent/providers/google").statusCode()).isEqualTo(404);
    }

    // ---------------------------------------------------------------- helpers

    private static final class Flow {
        final String cookie;
        final String setCookie;
        final String callbackPathAndQuery;

        Flow(String cookie, String setCookie, String callbackPathAndQuery) {
            this.cookie = cookie;
            this.setCookie = setCookie;
            this.callbackPathAndQuery = callbackPathAndQuery;
        }
    }

    /** Start over HTTP, approve on the fake's consent form, and stop before the callback. */
    private Flow startFlow(String user) throws Exception {
        fake.googleUser(user);
        Page start = get("/connect/google", Optional.empty());
        assertThat(start.status).isEqualTo(302);
        String setCookie = start.header("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        Page consent = request(URI.create(start.header("Location").orElseThrow()), Optional.empty(), null);
        Matcher id = Pattern.compile("name=\"request\" value=\"([^\"]+)\"").matcher(consent.body);
        assertThat(id.find()).as(consent.body).isTrue();
        Matcher scopes = Pattern.compile("name=\"scope\" value=\"([^\"]+)\"").matcher(consent.body);
        StringBuilder form = new StringBuilder("decision=allow&request=" + id.group(1));
        while (scopes.find()) {
            form.append("&scope=").append(URLEncoder.encode(scopes.group(1), StandardCharsets.UTF_8));
        }
        Page approved = request(URI.create(fake.base() + "/approve"), Optional.empty(), form.toString());
        String back = approved.header("Location").orElseThrow();
        assertThat(back).startsWith(EXTERNAL + "/connect/google/callback?");
        return new Flow(cookie, setCookie, back.substring(EXTERNAL.length()));
    }

    /** One response as a browser would get it (no redirect followed). */
    private static final class Page {
        final int status;
        final Map<String, List<String>> headers;
        final String body;

        Page(int status, Map<String, List<String>> headers, String body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> name.equalsIgnoreCase(e.getKey())).findFirst()
                .map(e -> String.join(", ", e.getValue()));
        }
    }

    private static Page get(String pathAndQuery, Optional<String> cookie) throws Exception {
        return request(URI.create(EXTERNAL + pathAndQuery), cookie, null);
    }

    /** The server's certificate is self-signed for the host name, not 127.0.0.1: trusted here, per connection. */
    private static Page request(URI uri, Optional<String> cookie, String form) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        if (connection instanceof HttpsURLConnection) {
            ((HttpsURLConnection) connection).setSSLSocketFactory(TRUST_ALL.getSocketFactory());
            ((HttpsURLConnection) connection).setHostnameVerifier((host, session) -> true);
        }
        connection.setInstanceFollowRedirects(false);
        cookie.ifPresent(value -> connection.setRequestProperty("Cookie", "pb_consent=" + value));
        if (form != null) {
            connection.setDoOutput(true);
            connection.setRequestMethod("POST");
            connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            connection.getOutputStream().write(form.getBytes(StandardCharsets.UTF_8));
        }
        int status = connection.getResponseCode();
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                headers.put(name, values);
            }
        });
        connection.disconnect();
        return new Page(status, headers, body);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static void sendAndExpectDelivery(String username, String key, String mailbox, String provider, String messageId) throws Exception {
        byte[] message = TestMessages.simple(mailbox, "friend@remote.test", "sent with the consent key", messageId)
            .getBytes(StandardCharsets.UTF_8);
        assertThat(submit(username, key, mailbox, message)).startsWith("250");
        AWAIT.until(() -> providers.delivered().stream().anyMatch(d -> d.uploadedText().contains(messageId)));
        Delivered delivered = providers.delivered().stream().filter(d -> d.uploadedText().contains(messageId)).findFirst().orElseThrow();
        assertThat(delivered.provider).isEqualTo(provider);
        assertThat(delivered.sentAs).isEqualTo(mailbox);
        assertThat(delivered.recipients).containsExactly("friend@remote.test");
    }

    /** AUTH with the key shown on the page, then MAIL FROM the connected mailbox (its allowed sender). */
    private static String submit(String username, String key, String mailbox, byte[] message) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(submission)) {
            smtp.ehlo();
            smtp.startTls();
            String auth = smtp.authPlain(username, key);
            if (!auth.startsWith("235")) {
                return auth;
            }
            return ApiDeliverySupport.transaction(smtp, mailbox, List.of("friend@remote.test"), message);
        }
    }

    /** Waits for the page (after a click or reload) to have this heading; the whole page in the failure message. */
    private static void heading(String expected) {
        try {
            AWAIT.atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> browser.findElement(By.tagName("h1")).getText().equals(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("expected the heading '" + expected + "' on " + browser.getCurrentUrl() + ": " + browser.getPageSource());
        }
    }

    private static String secretOf(String key) {
        return key.substring("pbk_".length() + 17); // after pbk_<16-character key id>_
    }

    private static String logText() {
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent event : List.copyOf(LOGS.list)) {
            all.append(event.getFormattedMessage()).append('\n');
        }
        return all.toString();
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
