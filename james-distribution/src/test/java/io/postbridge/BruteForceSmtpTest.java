package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.postbridge.it.Accounts;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Password guessing does not scale: after 3 failures (this test's setting) from one client address, or against
 * one username, AUTH is refused with 454 4.7.0 whatever the credentials, the connection is closed, and it is logged.
 * Each test uses its own loopback addresses (127.0.0.x) so the blocks do not overlap.
 */
class BruteForceSmtpTest {
    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf
        .property("postbridge.properties", "auth.failures.max", "3")
        .property("postbridge.properties", "auth.failures.window", "15m")
        .property("postbridge.properties", "auth.failures.lockout", "15m"));

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static int port;
    private static Accounts accounts;
    private static WebAdmin webAdmin;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        port = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
        accounts = new Accounts(webAdmin);
        LOG.start();
        ((Logger) LoggerFactory.getLogger("io.postbridge")).addAppender(LOG);
    }

    @AfterAll
    static void tearDown() {
        ((Logger) LoggerFactory.getLogger("io.postbridge")).detachAppender(LOG);
    }

    private static String auth(String from, String user, String password) throws Exception {
        try (SmtpClient smtp = SmtpClient.connectFrom(port, from, false)) {
            smtp.ehlo();
            smtp.startTls();
            return smtp.authPlain(user, password);
        }
    }

    private static List<String> warnings() {
        return LOG.list.stream().filter(e -> e.getLevel().toString().equals("WARN"))
            .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Test
    void repeatedFailuresFromOneAddressBlockItEvenWithTheRightKey() throws Exception {
        accounts.create("target").allowSender("target", "target@example.com");
        String key = accounts.issueKey("target").key;
        String wrong = key.substring(0, key.length() - 3) + "zzz";

        assertThat(auth("127.0.0.21", "target", wrong)).startsWith("535 5.7.8");
        assertThat(auth("127.0.0.21", "target", "guess-1")).startsWith("535 5.7.8");
        assertThat(auth("127.0.0.21", "target", "guess-2")).startsWith("535 5.7.8");

        assertThat(auth("127.0.0.21", "target", key)).startsWith("454 4.7.0");
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("too many failed AUTH attempts").contains("client 127.0.0.21"));

        try (SmtpClient smtp = SmtpClient.connectFrom(port, "127.0.0.21", false)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain("target", key)).startsWith("454 4.7.0");
            assertThatThrownBy(() -> smtp.mailFrom("target@example.com")).as("the server closed the connection")
                .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void repeatedFailuresAgainstOneAccountBlockItFromEverywhere() throws Exception {
        accounts.create("victim").allowSender("victim", "victim@example.com");
        accounts.create("bystander").allowSender("bystander", "bystander@example.com");
        String victimKey = accounts.issueKey("victim").key;
        String bystanderKey = accounts.issueKey("bystander").key;

        assertThat(auth("127.0.0.31", "victim", "guess-a")).startsWith("535 5.7.8");
        assertThat(auth("127.0.0.32", "victim", "guess-b")).startsWith("535 5.7.8");
        assertThat(auth("127.0.0.33", "victim", "guess-c")).startsWith("535 5.7.8");

        assertThat(auth("127.0.0.34", "victim", victimKey)).startsWith("454 4.7.0");
        assertThat(auth("127.0.0.34", "bystander", bystanderKey)).as("the address itself is not blocked").startsWith("235");
        assertThat(warnings()).anySatisfy(line -> assertThat(line).contains("too many failed AUTH attempts").contains("username victim"));
    }

    @Test
    void failuresOfJamesMailboxUsersCountToo() throws Exception {
        webAdmin.addUser("alice@example.com", "alice-secret");

        assertThat(auth("127.0.0.41", "alice@example.com", "wrong-1")).startsWith("535 5.7.8");
        assertThat(auth("127.0.0.41", "alice@example.com", "wrong-2")).startsWith("535 5.7.8");
        assertThat(auth("127.0.0.41", "alice@example.com", "wrong-3")).startsWith("535 5.7.8");

        assertThat(auth("127.0.0.41", "alice@example.com", "alice-secret")).startsWith("454 4.7.0");
        assertThat(auth("127.0.0.42", "bob@example.com", "whatever")).as("other address, other user: checked normally").startsWith("535 5.7.8");
    }

}
