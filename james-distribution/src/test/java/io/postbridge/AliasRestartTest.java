package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.srs.SrsCodec;
import io.postbridge.core.srs.SrsSettings;
import io.postbridge.it.AliasXml;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;
import io.postbridge.server.PostbridgeServerMain;

/**
 * Aliases created through WebAdmin are kept in the Postbridge store (var/postbridge/): after a restart on the same
 * server directory they still forward, with their flags, and mail still leaves SRS-rewritten.
 */
class AliasRestartTest {
    private static final String SECRET = "restart-secret";

    @RegisterExtension
    static FakeMx mx = new FakeMx();

    @TempDir
    Path serverDirectory;

    @Test
    void aliasesCreatedThroughWebAdminSurviveARestart() throws Exception {
        ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), serverDirectory.resolve("conf")).loopbackAnyPorts();
        conf.relayThrough(mx.hostAndPort(), "1 second");
        AliasXml.secrets(conf, SECRET);

        GuiceJamesServer first = start();
        try {
            WebAdmin webAdmin = PostbridgeJames.webAdmin(first);
            assertThat(webAdmin.put("/postbridge/aliases/kept@example.com",
                "{\"targets\":[\"zoe@remote.test\",\"yann@remote.test\"],\"keepTag\":true}").statusCode()).isEqualTo(204);
            assertThat(webAdmin.put("/postbridge/aliases/gone@example.com", "{\"disabled\":\"reject\"}").statusCode())
                .isEqualTo(204);
        } finally {
            first.stop();
        }

        GuiceJamesServer second = start();
        try {
            JsonNode kept = PostbridgeJames.webAdmin(second).getJson("/postbridge/aliases/kept@example.com");
            assertThat(kept.path("origin").asText()).isEqualTo("webadmin");
            assertThat(kept.path("keepTag").asBoolean()).isTrue();

            int inbound = PostbridgeJames.smtpPorts(second).get(PostbridgeJames.INBOUND);
            try (SmtpClient smtp = SmtpClient.connect(inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("sender@elsewhere.test", "kept+news@example.com", SmtpClient.message(
                    "sender@elsewhere.test", "kept+news@example.com", "after the restart", "restart-1@test", "hello")))
                    .startsWith("250");
            }
            try (SmtpClient smtp = SmtpClient.connect(inbound)) {
                smtp.ehlo();
                smtp.mailFrom("sender@elsewhere.test");
                assertThat(smtp.rcptTo("gone@example.com")).isEqualTo("550 5.2.1 <gone@example.com>: this address is disabled");
            }

            // both targets, in the kept tag, from an SRS sender in our domain that reverses to the original sender
            SrsCodec srs = new SrsCodec(SrsSettings.builder().secret(SECRET).build(), Clock.systemUTC());
            for (String target : new String[] {"zoe+news@remote.test", "yann+news@remote.test"}) {
                WiserMessage forwarded = awaitAt("restart-1@test", target);
                assertThat(forwarded.getEnvelopeSender()).startsWith("SRS0=").endsWith("@example.com");
                assertThat(srs.reverse(forwarded.getEnvelopeSender())).isEqualTo("sender@elsewhere.test");
            }
        } finally {
            second.stop();
        }
    }

    private GuiceJamesServer start() throws Exception {
        GuiceJamesServer server = PostbridgeServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(serverDirectory.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build(), new String[] {"--generate-keystore"});
        server.start();
        return server;
    }

    private static WiserMessage awaitAt(String messageId, String envelopeReceiver) {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(() -> mx.messages().stream()
                .filter(m -> FakeMx.messageId(m).equals("<" + messageId + ">"))
                .filter(m -> m.getEnvelopeReceiver().equals(envelopeReceiver))
                .findFirst(), Optional::isPresent).get();
    }
}
