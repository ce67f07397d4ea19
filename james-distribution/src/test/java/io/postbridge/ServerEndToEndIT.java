package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/** The assembled server started with its own start script, as a separate process, spoken to over loopback SMTP. */
class ServerEndToEndIT {
    private static final java.util.regex.Pattern ACTIVITY = java.util.regex.Pattern.compile(
        "Postbridge, last 2 s: received (\\d+), delivered (\\d+), deferred (\\d+), bounced (\\d+)");

    /** The total of one count over the console's activity lines. */
    private static int activity(String console, String what) {
        int group = java.util.List.of("received", "delivered", "deferred", "bounced").indexOf(what) + 1;
        java.util.regex.Matcher line = ACTIVITY.matcher(console);
        int total = 0;
        while (line.find()) {
            total += Integer.parseInt(line.group(group));
        }
        return total;
    }

    @TempDir
    Path tmp;

    @Test
    void startsReportsItsListenersRelaysMailAndStopsCleanly() throws Exception {
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second");
            // the console's activity line every 2 s instead of every minute (conf/jvm.properties sets system properties)
            server.conf().property("jvm.properties", "postbridge.activity.seconds", "2");
            server.start().awaitLog(ServerProcess.READY);

            String log = server.logSinceLastStart();
            assertThat(log).contains("Postbridge: SMTP inbound     listening on 127.0.0.1:" + ports.inbound + " (STARTTLS, no AUTH)")
                .contains("Postbridge: SMTP submission  listening on 127.0.0.1:" + ports.submission + " (STARTTLS, AUTH)")
                .contains("Postbridge: SMTP smtps       listening on 127.0.0.1:" + ports.smtps + " (implicit TLS, AUTH)")
                .contains("Postbridge: WebAdmin         listening on 127.0.0.1:" + ports.webAdmin);
            assertThat(server.home().resolve("conf/keystore")).as("self-signed certificate generated on first start").exists();

            WebAdmin webAdmin = ports.webAdmin();
            webAdmin.addUser("app@example.com", "app-secret");
            try (SmtpClient smtp = SmtpClient.connect(ports.submission)) {
                smtp.ehlo();
                assertThat(smtp.startTls()).contains("AUTH");
                assertThat(smtp.authPlain("app@example.com", "app-secret")).startsWith("235");
                assertThat(smtp.send("app@example.com", "someone@remote.test",
                    SmtpClient.message("app@example.com", "someone@remote.test", "e2e", "e2e-1@test", "end to end")))
                    .startsWith("250");
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> mx.messageIds().contains("<e2e-1@test>"));
            Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> Events.typesFor(webAdmin, "e2e-1@test").contains("delivered"));

            // the console: Postbridge's lines and the activity summary, not James's INFO lines (those are in the file)
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> activity(server.logSinceLastStart(), "delivered") >= 1
                && activity(server.logSinceLastStart(), "received") >= 1);
            assertThat(server.logSinceLastStart()).doesNotContain(ServerProcess.JAMES_STARTED).doesNotContain("[INFO ] o.a.j.");
            assertThat(Files.readString(server.home().resolve("var/log/james.log"))).contains(ServerProcess.JAMES_STARTED)
                .contains("Postbridge: ready");

            int exit = server.stop();
            assertThat(exit).as("exit status after SIGTERM (143 = terminated by the signal, after the shutdown hook)")
                .isIn(0, 143);
            assertThat(server.logSinceLastStart()).doesNotContain("Exception in thread");
        } finally {
            mx.stop();
        }
        assertThat(Files.exists(tmp.resolve("postbridge/var/store/activemq"))).as("the durable spool lives under var/").isTrue();
    }
}
