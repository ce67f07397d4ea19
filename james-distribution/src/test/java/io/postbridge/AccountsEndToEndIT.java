package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.testing.FakeEntra;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.Swaks;
import io.postbridge.it.WebAdmin;

/**
 * Accounts in the assembled server (the shaded bundle in extensions-jars/, H2 under var/), driven by swaks as an
 * independent SMTP client: an account sends with its API key over STARTTLS; wrong keys and foreign senders are
 * refused; a Microsoft pass-through app (fake Entra) sends too; after a restart the key still works; and neither
 * the database files, the durable queue nor the logs contain a provider secret, an app secret or an API key.
 */
class AccountsEndToEndIT {
    private static final String PROVIDER_SECRET = "Graph~client.secret_7f3kQz9";
    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String CLIENT = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
    private static final String APP_SECRET = "Pass~through.secret_Q9w8e7r6";

    @TempDir
    Path tmp;

    @Test
    void apiKeySubmissionWithSwaksAndNothingSecretAtRest() throws Exception {
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"));
             FakeEntra entra = new FakeEntra().register(TENANT, CLIENT, APP_SECRET);
             // where the mail of the Graph account and of the pass-through app is delivered (issue 4)
             FakeProviders graph = FakeProviders.start().microsoftApp("t", "erp-client", PROVIDER_SECRET)
                 .microsoftApp(TENANT.toLowerCase(java.util.Locale.ROOT), CLIENT.toLowerCase(java.util.Locale.ROOT), APP_SECRET)) {
            ApiDeliverySupport.pointAtFakes(ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second")
                .property("postbridge.properties", "microsoft.tokenEndpointOverride", entra.baseUrl().toString()), graph, "1 hour");
            server.start().awaitLog(ServerProcess.READY);
            assertThat(server.logSinceLastStart()).contains("generated a new master key").contains("BACK THIS FILE UP");

            WebAdmin webAdmin = ports.webAdmin();
            assertThat(webAdmin.put("/postbridge/accounts/erp", "").statusCode()).isEqualTo(201);
            assertThat(webAdmin.put("/postbridge/accounts/erp/senders/app@example.com", "").statusCode()).isEqualTo(201);
            assertThat(webAdmin.put("/postbridge/accounts/erp/provider", "{\"provider\": \"graph\", \"settings\": {\"tenantId\": \"t\", \"clientId\": \"erp-client\"}, "
                + "\"secrets\": {\"clientSecret\": \"" + PROVIDER_SECRET + "\"}}").statusCode()).isEqualTo(204);
            JsonNode issued = WebAdmin.parse(webAdmin.post("/postbridge/accounts/erp/keys", "").body());
            String key = issued.path("key").asText();
            String keySecret = key.substring(("pbk_" + issued.path("keyId").asText() + "_").length());

            Swaks.Result sent = swaks(ports, "erp", key, "app@example.com", "swaks-e2e-1@test");
            assertThat(sent.exitCode).as(sent.toString()).isZero();
            assertThat(sent.transcript).contains("235 2.7.0");
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> deliveredThrough(graph, "swaks-e2e-1@test"));

            Swaks.Result wrongKey = swaks(ports, "erp", key.substring(0, key.length() - 4) + "AAAA", "app@example.com", "swaks-e2e-2@test");
            assertThat(wrongKey.exitCode).as(wrongKey.toString()).isEqualTo(28);
            assertThat(wrongKey.transcript).contains("535 5.7.8");

            Swaks.Result foreign = swaks(ports, "erp", key, "boss@other-company.test", "swaks-e2e-3@test");
            assertThat(foreign.exitCode).as(foreign.toString()).isEqualTo(23);
            assertThat(foreign.transcript).contains("550 5.7.1");

            Swaks.Result passThrough = swaks(ports, TENANT + "@" + CLIENT, APP_SECRET, "reports@contoso.test", "swaks-e2e-ms@test");
            assertThat(passThrough.exitCode).as(passThrough.toString()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> deliveredThrough(graph, "swaks-e2e-ms@test"));
            assertThat(entra.tokenRequests()).hasSize(1);

            assertThat(server.stop()).isIn(0, 143);

            byte[] queue = allBytes(server.home().resolve("var/store"));
            // the KahaDB journal keeps each queued mail's envelope and attributes (the body goes to blob-transfer)
            assertThat(contains(queue, TENANT + "@" + CLIENT)).as("sanity: the queue journal holds the pass-through mail's attributes").isTrue();
            assertThat(contains(queue, "io.postbridge.microsoftAppSecret")).as("sanity: including its sealed secret").isTrue();
            assertThat(contains(queue, APP_SECRET)).as("Microsoft app secret in plaintext in the queue").isFalse();

            server.start().awaitLog(ServerProcess.READY);
            Swaks.Result afterRestart = swaks(ports, "erp", key, "app@example.com", "swaks-e2e-4@test");
            assertThat(afterRestart.exitCode).as(afterRestart.toString()).isZero();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> deliveredThrough(graph, "swaks-e2e-4@test"));
            assertThat(server.stop()).isIn(0, 143);

            byte[] database = allBytes(server.home().resolve("var/postbridge"));
            assertThat(database.length).isGreaterThan(0);
            assertThat(contains(database, "app@example.com")).as("sanity: the database holds the account's data").isTrue();
            assertThat(contains(database, PROVIDER_SECRET)).as("provider secret in the database files").isFalse();
            assertThat(contains(database, key)).as("API key in the database files").isFalse();
            assertThat(contains(database, keySecret)).as("API key secret part in the database files").isFalse();

            byte[] logs = (server.log() + new String(allBytes(server.home().resolve("var/log")), StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
            // sanity: the logs hold the lines where a secret would leak (each AUTH, the pass-through app, in both files)
            String logText = new String(logs, StandardCharsets.ISO_8859_1);
            assertThat(logText).as("sanity: console and var/log/james.log are read")
                .contains("AUTH from 127.0.0.1 as 'erp' succeeded")
                .contains("AUTH from 127.0.0.1 as 'erp' failed: invalid credentials")
                .contains("as '" + TENANT + "@" + CLIENT + "' succeeded");
            assertThat(new String(allBytes(server.home().resolve("var/log")), StandardCharsets.ISO_8859_1))
                .as("sanity: var/log/james.log").contains("AUTH from 127.0.0.1 as 'erp' succeeded");
            assertThat(contains(logs, PROVIDER_SECRET)).as("provider secret in the logs").isFalse();
            assertThat(contains(logs, keySecret)).as("API key in the logs").isFalse();
            assertThat(contains(logs, APP_SECRET)).as("Microsoft app secret in the logs").isFalse();
            assertThat(contains(database, APP_SECRET)).as("Microsoft app secret in the database files").isFalse();
        } finally {
            mx.stop();
        }
    }

    private static boolean deliveredThrough(FakeProviders graph, String messageId) {
        return graph.delivered().stream().anyMatch(d -> d.uploadedText().contains("<" + messageId + ">"));
    }

    private static Swaks.Result swaks(Ports ports, String user, String password, String from, String messageId) throws Exception {
        return Swaks.run("--server", "127.0.0.1:" + ports.submission, "--tls", "--auth", "PLAIN",
            "--auth-user", user, "--auth-password", password, "--from", from, "--to", "bob@remote.test",
            "--header", "Message-Id: <" + messageId + ">", "--header", "Subject: swaks end to end", "--body", "sent by swaks");
    }

    private static byte[] allBytes(Path directory) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        if (!Files.exists(directory)) {
            return all.toByteArray();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                all.write(Files.readAllBytes(file));
            }
        }
        return all.toByteArray();
    }

    private static boolean contains(byte[] haystack, String needle) {
        byte[] pattern = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= haystack.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (haystack[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
