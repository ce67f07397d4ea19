package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.Events;
import io.postbridge.it.ExtensionProbe;
import io.postbridge.it.LogCapture;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;
import io.postbridge.server.PostbridgeServerMain;

/**
 * Mail waiting for a retry in the durable postbridge-api queue survives a server restart: the Gmail API is down,
 * messages are deferred, the server stops, the API recovers, a new server on the same directory delivers them all.
 */
class ApiDeliveryRestartTest {
    private static final String CLIENT = "client.apps.googleusercontent.com";
    private static final int MESSAGES = 8;

    @TempDir
    Path tmp;

    @Test
    void mailDeferredBeforeARestartIsDeliveredAfterIt() throws Exception {
        try (FakeProviders fake = FakeProviders.start().googleClient(CLIENT, "secret").googleUser("rt-app", "app@example.com")) {
            fake.gmailSend.respond(100_000, 503, "{\"error\":{\"code\":503,\"message\":\"backend down\"}}");
            ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), tmp.resolve("conf")).loopbackAnyPorts();
            ApiDeliverySupport.pointAtFakes(conf, fake, "1 hour");

            List<String> ids = new ArrayList<>();
            GuiceJamesServer first = start();
            try {
                WebAdmin webAdmin = new WebAdmin(first.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
                webAdmin.addUser("app@example.com", "app-secret");
                int submission = PostbridgeJames.smtpPorts(first).get(PostbridgeJames.SUBMISSION);
                for (int i = 0; i < MESSAGES; i++) {
                    String id = "restart-" + i + "@test";
                    ids.add(id);
                    assertThat(ApiDeliverySupport.submit(submission, "app@example.com", "app-secret", List.of("bob@remote.test"),
                        TestMessages.simple("app@example.com", "bob@remote.test", "r" + i, id).getBytes(StandardCharsets.UTF_8)))
                        .startsWith("250");
                }
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (String id : ids) {
                        if (!Events.typesFor(webAdmin, id).contains("deferred")) {
                            return false;
                        }
                    }
                    return true;
                });
            } finally {
                // a stop cancels the queue readers' waits: that is no failed dequeue, and nothing may log it as one
                try (LogCapture dropped = LogCapture.of("reactor.core.publisher.Operators")) {
                    first.stop();
                    assertThat(dropped.errors()).as("errors Reactor dropped during the stop").isEmpty();
                }
            }
            assertThat(fake.delivered()).isEmpty();

            fake.gmailSend.clear(); // the API is back
            GuiceJamesServer second = start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    ids.stream().allMatch(id -> fake.delivered().stream().anyMatch(d -> d.uploadedText().contains("<" + id + ">"))));
                assertThat(fake.delivered()).hasSize(MESSAGES);
            } finally {
                second.stop();
            }
        }
    }

    /** A Postbridge server on {@code tmp} (same queue store every time), with the Gmail account registered. */
    private GuiceJamesServer start() throws Exception {
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .workingDirectory(tmp.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build();
        GuiceJamesServer server = PostbridgeServerMain.createServer(configuration, new String[] {"--generate-keystore"})
            .combineWith(ExtensionProbe.MODULE);
        server.start();
        server.getProbe(ExtensionProbe.class).instance(InMemoryProviderAccounts.class)
            .put(ProviderAccount.gmail("app@example.com", CLIENT, "secret", "rt-app"));
        assertThat(Files.exists(tmp.resolve("var/store/activemq"))).isTrue();
        return server;
    }
}
