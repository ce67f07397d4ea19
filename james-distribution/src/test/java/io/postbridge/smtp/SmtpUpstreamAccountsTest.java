package io.postbridge.smtp;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.it.Accounts;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Per-account upstream SMTP servers (provider {@code smtp}) with the server-wide relay as fallback, in a real
 * in-process James: each account's mail goes through its own upstream with its own credentials on its own
 * connections, wrong credentials are retried with a clear reason, a new password applies without a restart, the
 * pools are visible in WebAdmin and {@code POST .../provider/test} reports each stage.
 */
class SmtpUpstreamAccountsTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    private static final FakeUpstream upstream = start(false);
    private static final FakeUpstream relay = start(false);
    private static final FakeUpstream tlsUpstream = start(true);

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        // the server-wide default relay from postbridge.properties, its password in an owner-only file
        Path passwordFile = conf.dir().resolve("smtp-relay.password");
        try {
            Files.write(passwordFile, "relay-pass\n".getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        conf.property("postbridge.properties", "smtp.relay.host", "127.0.0.1:" + relay.port());
        conf.property("postbridge.properties", "smtp.relay.security", "plaintext");
        conf.property("postbridge.properties", "smtp.relay.allowPlaintext", "true");
        conf.property("postbridge.properties", "smtp.relay.username", "relay-user");
        conf.property("postbridge.properties", "smtp.relay.passwordFile", passwordFile.toString());
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "retryInitialDelay", "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "retryMaxDelay", "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "maxConnectionIdle", "1 minute");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "connectionsPerDestination", "1");
    });

    private static int submission;
    private static WebAdmin webAdmin;
    private static Accounts accounts;
    private static final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

    private static FakeUpstream start(boolean tls) {
        try {
            return tls ? FakeUpstream.withStartTls() : FakeUpstream.plain();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        submission = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
        accounts = new Accounts(webAdmin);
        upstream.user("a-user", "a-pass").user("c-user", "c-pass").user("tf-user", "tf-pass");
        relay.user("relay-user", "relay-pass");
        for (String name : List.of("acct-a", "acct-b", "acct-c", "acct-bad", "acct-rotate", "acct-never", "acct-tf")) {
            accounts.create(name).allowSender(name, name + "@example.com");
            keys.put(name, accounts.issueKey(name).key);
        }
        putUpstream("acct-a", "a-user", "a-pass");
        putUpstream("acct-c", "c-user", "c-pass");
        putUpstream("acct-bad", "a-user", "not-the-password");
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
        relay.close();
        tlsUpstream.close();
    }

    private static void putUpstream(String account, String user, String password) throws Exception {
        putProvider(account, settings(upstream.port(), user), ", \"secrets\": {\"password\": \"" + password + "\"}");
    }

    private static void putProvider(String account, String settings, String secrets) throws Exception {
        HttpResponse<String> put = webAdmin.put("/postbridge/accounts/" + account + "/provider", "{\"provider\": \"smtp\", \"settings\": "
            + settings + secrets + "}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    }

    private static String settings(int port, String user) {
        return "{\"host\": \"127.0.0.1\", \"port\": \"" + port + "\", \"security\": \"plaintext\", \"allowPlaintext\": \"true\", "
            + "\"username\": \"" + user + "\"}";
    }

    private static String send(String account, String id) throws Exception {
        return send(account, id, "bob@remote.test");
    }

    private static String send(String account, String id, String recipient) throws Exception {
        byte[] message = ("From: " + account + "@example.com\r\nTo: " + recipient + "\r\nSubject: " + id + "\r\nMessage-ID: <" + id
            + ">\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        try (SmtpClient smtp = SmtpClient.connect(submission)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain(account, keys.get(account))).startsWith("235");
            return ApiDeliverySupport.transaction(smtp, account + "@example.com", List.of(recipient), message);
        }
    }

    private static List<FakeUpstream.Received> with(FakeUpstream server, String id) {
        return server.received().stream().filter(r -> r.text().contains("<" + id + ">")).collect(Collectors.toList());
    }

    @Test
    void eachAccountUsesItsOwnUpstreamAndCredentialsAndTheOthersTheGlobalRelay() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send("acct-a", "a-" + i + "@test")).startsWith("250");
            assertThat(send("acct-b", "b-" + i + "@test")).startsWith("250");
            assertThat(send("acct-c", "c-" + i + "@test")).startsWith("250");
        }
        AWAIT.untilAsserted(() -> {
            for (int i = 0; i < 5; i++) {
                assertThat(with(upstream, "a-" + i + "@test")).singleElement().satisfies(r -> assertThat(r.authenticatedAs).isEqualTo("a-user"));
                assertThat(with(upstream, "c-" + i + "@test")).singleElement().satisfies(r -> assertThat(r.authenticatedAs).isEqualTo("c-user"));
                // the relay of postbridge.properties, with the credentials of its password file
                assertThat(with(relay, "b-" + i + "@test")).singleElement()
                    .satisfies(r -> assertThat(r.authenticatedAs).isEqualTo("relay-user"));
                assertThat(with(upstream, "b-" + i + "@test")).isEmpty();
            }
        });
        // connections are never shared between accounts: one user name per connection
        Map<Integer, Set<String>> usersByConnection = upstream.received().stream().filter(r -> r.text().matches("(?s).*<[ac]-\\d@test>.*"))
            .collect(Collectors.groupingBy(r -> r.connection, Collectors.mapping(r -> r.authenticatedAs, Collectors.toSet())));
        assertThat(usersByConnection.values()).allSatisfy(users -> assertThat(users).hasSize(1));
        assertThat(upstream.authSuccesses("a-user")).isEqualTo(1);
        assertThat(upstream.authSuccesses("c-user")).isEqualTo(1);

        AWAIT.until(() -> Events.typesFor(webAdmin, "a-3@test").contains("delivered"));
        JsonNode delivered = Events.eventsFor(webAdmin, "a-3@test").stream().filter(e -> e.path("type").asText().equals("delivered"))
            .findFirst().orElseThrow();
        assertThat(delivered.path("detail").asText()).contains("upstream 127.0.0.1:" + upstream.port() + " as a-user (account acct-a)")
            .contains("250 2.0.0 Ok");

        JsonNode pools = webAdmin.getJson("/postbridge/smtp/pools").path("postbridge-smtp");
        assertThat(pools.toString()).doesNotContain("a-pass");
        JsonNode poolOfA = java.util.stream.StreamSupport.stream(pools.spliterator(), false)
            .filter(p -> p.path("account").asText().equals("acct-a")).findFirst().orElseThrow();
        assertThat(poolOfA.path("messagesSent").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(poolOfA.path("connectionsOpened").asInt()).isEqualTo(1);
        assertThat(poolOfA.path("open").asInt()).isEqualTo(1);
    }

    @Test
    void wrongCredentialsAreRetriedWithTheServersReasonInTheEvent() throws Exception {
        assertThat(send("acct-bad", "bad-creds@test")).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "bad-creds@test").contains("deferred"));
        JsonNode deferred = Events.eventsFor(webAdmin, "bad-creds@test").stream().filter(e -> e.path("type").asText().equals("deferred"))
            .findFirst().orElseThrow();
        assertThat(deferred.path("detail").asText()).contains("refused the credentials").contains("535 5.7.8").contains("as a-user");
        assertThat(deferred.toString()).doesNotContain("not-the-password");
        assertThat(Events.typesFor(webAdmin, "bad-creds@test")).doesNotContain("bounced", "delivered");
        assertThat(with(upstream, "bad-creds@test")).isEmpty();
        assertThat(with(relay, "bad-creds@test")).as("no silent fallback (policy when-unset)").isEmpty();
    }

    @Test
    void fallbackNeverHoldsTheMailOfAnAccountWithoutUpstreamInsteadOfRelayingIt() throws Exception {
        putProvider("acct-never", "{\"fallback\": \"never\"}", "");
        assertThat(send("acct-never", "never-1@test")).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "never-1@test").contains("deferred"));
        JsonNode deferred = Events.eventsFor(webAdmin, "never-1@test").stream().filter(e -> e.path("type").asText().equals("deferred"))
            .findFirst().orElseThrow();
        assertThat(deferred.path("detail").asText()).contains("fallback policy is 'never'");
        assertThat(with(relay, "never-1@test")).isEmpty();

        HttpResponse<String> typo = webAdmin.put("/postbridge/accounts/acct-never/provider",
            "{\"provider\": \"smtp\", \"settings\": {\"fallback\": \"sometimes\"}}");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(typo.body()).contains("fallback").contains("on-temporary-failure");
    }

    @Test
    void onTemporaryFailureSendsWhatTheUpstreamDeferredThroughTheRelayAndWhenUnsetDoesNot() throws Exception {
        upstream.rcptReply("greylisted@remote.test", "451 4.7.1 greylisted, try again later");
        putProvider("acct-tf", settings(upstream.port(), "tf-user").replace("}", ", \"fallback\": \"on-temporary-failure\"}"),
            ", \"secrets\": {\"password\": \"tf-pass\"}");
        assertThat(send("acct-tf", "tf-1@test", "greylisted@remote.test")).startsWith("250");
        assertThat(send("acct-a", "unset-1@test", "greylisted@remote.test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(with(relay, "tf-1@test")).singleElement()
            .satisfies(r -> assertThat(r.authenticatedAs).isEqualTo("relay-user")));
        AWAIT.until(() -> Events.typesFor(webAdmin, "tf-1@test").contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, "tf-1@test").toString()).contains("smarthost 127.0.0.1:" + relay.port());
        // the default policy keeps the account's own identity: retried at its upstream, never relayed
        AWAIT.until(() -> Events.typesFor(webAdmin, "unset-1@test").contains("deferred"));
        assertThat(with(relay, "unset-1@test")).isEmpty();
        assertThat(with(upstream, "tf-1@test")).isEmpty();
        upstream.clearRcptReply("greylisted@remote.test");
    }

    @Test
    void aNewPasswordAppliesWithoutARestart() throws Exception {
        upstream.user("rot-user", "old-pass");
        putUpstream("acct-rotate", "rot-user", "old-pass");
        assertThat(send("acct-rotate", "rot-1@test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(with(upstream, "rot-1@test")).hasSize(1));
        upstream.user("rot-user", "new-pass");
        putUpstream("acct-rotate", "rot-user", "new-pass");
        int authsBefore = upstream.authSuccesses("rot-user");
        assertThat(send("acct-rotate", "rot-2@test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(with(upstream, "rot-2@test")).hasSize(1));
        assertThat(upstream.authSuccesses("rot-user")).isEqualTo(authsBefore + 1);
        assertThat(Events.typesFor(webAdmin, "rot-2@test")).doesNotContain("deferred");
    }

    @Test
    void theConnectionTestReportsEachStage() throws Exception {
        JsonNode ok = test("acct-a", "");
        assertThat(ok.path("verdict").asText()).as(ok.toString()).isEqualTo("ok");
        assertThat(stages(ok)).containsExactly("dns:true", "tcp:true", "tls:true", "auth:true");
        assertThat(ok.path("serverReply").asText()).startsWith("235");
        assertThat(ok.toString()).doesNotContain("a-pass");

        JsonNode auth = test("acct-a", "{\"settings\": " + settings(upstream.port(), "a-user") + ", \"secrets\": {\"password\": \"nope\"}}");
        assertThat(auth.path("failedStage").asText()).as(auth.toString()).isEqualTo("auth");
        assertThat(auth.path("serverReply").asText()).contains("535 5.7.8");

        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        JsonNode tcp = test("acct-a", "{\"settings\": " + settings(closed, "a-user") + "}");
        assertThat(tcp.path("failedStage").asText()).as(tcp.toString()).isEqualTo("tcp");

        JsonNode dns = test("acct-a", "{\"settings\": {\"host\": \"no-such-host.invalid\", \"username\": \"a-user\"}}");
        assertThat(dns.path("failedStage").asText()).as(dns.toString()).isEqualTo("dns");

        // STARTTLS offered, but with a certificate nobody trusts: the TLS stage fails and AUTH is never tried
        JsonNode tls = test("acct-a", "{\"settings\": {\"host\": \"localhost\", \"port\": \"" + tlsUpstream.port() + "\", \"username\": \"a-user\"}}");
        assertThat(tls.path("failedStage").asText()).as(tls.toString()).isEqualTo("tls");
        assertThat(stages(tls)).containsExactly("dns:true", "tcp:true", "tls:false");

        // required STARTTLS that the server does not offer
        JsonNode noTls = test("acct-a", "{\"settings\": {\"host\": \"127.0.0.1\", \"port\": \"" + upstream.port() + "\", \"username\": \"a-user\"}}");
        assertThat(noTls.path("failedStage").asText()).as(noTls.toString()).isEqualTo("tls");
        assertThat(upstream.received()).noneSatisfy(r -> assertThat(r.mailFrom).isNull());

        HttpResponse<String> plaintextRefused = webAdmin.post("/postbridge/accounts/acct-a/provider/test",
            "{\"settings\": {\"host\": \"127.0.0.1\", \"security\": \"plaintext\"}}");
        assertThat(plaintextRefused.statusCode()).isEqualTo(400);
        assertThat(plaintextRefused.body()).contains("allowPlaintext");
    }

    private static JsonNode test(String account, String body) throws Exception {
        HttpResponse<String> response = webAdmin.post("/postbridge/accounts/" + account + "/provider/test", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WebAdmin.parse(response.body());
    }

    private static List<String> stages(JsonNode result) {
        return java.util.stream.StreamSupport.stream(result.path("stages").spliterator(), false)
            .map(s -> s.path("stage").asText() + ":" + s.path("ok").asBoolean()).collect(Collectors.toList());
    }
}
