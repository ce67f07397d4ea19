package io.postbridge.auth.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.server.core.MailImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;

/**
 * AUTH with an API key in James's own SMTP protocol server offering STARTTLS, on core's real services (the store on
 * H2 in a temporary folder): refused in clear, accepted after STARTTLS; the mail the account then sends is recorded as
 * received, as that account's.
 */
class AuthOverTlsOnTheRealStoreTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private SmtpHooksServer server;
    private String key;
    private final List<HookResult> answers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        backend = SmtpHooksServer.backend(home);
        ApiKeyAuthHook auth = new ApiKeyAuthHook(backend.authenticator(), null);
        BaseConfiguration handler = new BaseConfiguration();
        handler.addProperty("fallbackToJamesUsers", "false"); // no James users in this test: only API keys
        auth.init(handler);
        server = SmtpHooksServer.startWithStartTls(backend, home, auth, asJamesMail(new ReceivedMailEventHook(backend.events())));
        Account crm = backend.accountAdministration().createOrUpdate("crm", account -> account).account();
        key = backend.apiKeys().issue(crm.id()).token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anApiKeyIsRefusedInClearAndAcceptedAfterStartTls() throws Exception {
        try (SmtpLineClient client = server.connect()) {
            assertThat(client.send("AUTH PLAIN " + plain("crm", key)))
                .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
            client.startTls();
            assertThat(client.send("AUTH PLAIN " + plain("crm", key.substring(0, key.length() - 1) + "x")))
                .isEqualTo("535 5.7.8 Authentication credentials invalid");
            assertThat(client.send("AUTH PLAIN " + plain("crm", key))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void theMailOfAnAuthenticatedAccountIsRecordedAsReceivedForThatAccount() throws Exception {
        try (SmtpLineClient client = server.connect()) {
            client.startTls();
            assertThat(client.send("AUTH PLAIN " + plain("crm", key))).startsWith("235");
            assertThat(client.send("MAIL FROM:<orders@example.com>")).startsWith("250");
            assertThat(client.send("RCPT TO:<bob@remote.test>")).startsWith("250");
            assertThat(client.data("Message-ID: <order-7@example.com>", "Subject: order 7", "", "shipped")).startsWith("250");
        }
        List<MailEvent> received = received();
        assertThat(received).hasSize(1);
        MailEvent event = received.get(0);
        assertThat(event.getAccount()).contains("crm");
        assertThat(event.getMessageId()).contains("<order-7@example.com>");
        assertThat(event.getSender()).contains("orders@example.com");
        assertThat(event.getRecipients()).containsExactly("bob@remote.test");
        assertThat(event.getDetail()).contains("from 127.0.0.1");
        assertThat(answers).as("it never answers itself: James spools the mail first").containsExactly(HookResult.DECLINED);
    }

    /** The received events, once the event writer has stored what the hook recorded (events are written in batches). */
    private List<MailEvent> received() {
        assertThat(backend.flushEvents(java.time.Duration.ofSeconds(10))).as("events stored").isTrue();
        return backend.events().recent(10, Optional.of(MailEventType.RECEIVED));
    }

    private static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\u0000" + user + "\u0000" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What James's own message handler does before it calls a JamesMessageHook: the received envelope becomes a real
     * {@link MailImpl}. James's protocol server (without the mail spool) has only envelope hooks.
     */
    private MessageHook asJamesMail(ReceivedMailEventHook hook) {
        return (session, envelope) -> {
            try (InputStream in = envelope.getMessageInputStream()) {
                MailImpl mail = MailImpl.builder().name("received-1").sender(envelope.getMaybeSender())
                    .addRecipients(envelope.getRecipients())
                    .mimeMessage(new MimeMessage(Session.getInstance(new Properties()), in)).build();
                answers.add(hook.onMessage(session, mail));
                // what James's spooling handler answers once the mail is on disk
                return HookResult.OK;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }
}
