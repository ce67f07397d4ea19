package io.postbridge.auth.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.netty.NettyServer;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.suppression.SuppressionReason;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * The sender-policy and suppressed-recipient hooks in James's own SMTP protocol server, behind the trusted-network
 * hook (which makes the session an account's), on core's real services (the store on H2 in a temporary folder).
 */
class SubmissionHooksOnTheRealStoreTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private NettyServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        backend = PostbridgeBackend.start(PostbridgeSettings.defaults(home), Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        // an account's session never consults James's CanSendFrom or DomainList (those are for James mailbox users)
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new RecordingMetricFactory(),
            new TrustedNetworkHook(backend.trustedNetworks(), backend.accounts()),
            new SenderPolicyHook(backend.senderPolicy(), null, null),
            new SuppressedRecipientHook(backend.suppressions()),
            new ApiKeyAuthHook(backend.authenticator(), null)); // James's users are consulted only after TLS
        server = new NettyServer.Factory().protocol(new SMTPProtocol(chain, new SMTPConfigurationImpl())).build();
        server.setListenAddresses(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.bind();
        port = server.getListenAddresses().get(0).getPort();
        AccountAdministration admin = backend.accountAdministration();
        Account printers = admin.createOrUpdate("printers", account -> account).account();
        admin.addSender(printers, SenderPattern.parse("scan@example.com"));
        admin.addNetwork(printers, IpRange.parse("127.0.0.1/32"));
    }

    @AfterEach
    void stop() {
        server.unbind();
        backend.close();
    }

    @Test
    void anAccountMaySendOnlyAsItsAllowedSenders() throws Exception {
        try (Client client = new Client(port)) {
            assertThat(client.send("MAIL FROM:<boss@example.com>"))
                .isEqualTo("550 5.7.1 Sender <boss@example.com> is not allowed for account 'printers'");
            assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
        }
    }

    @Test
    void anApiKeyIsNeverAcceptedWithoutTls() throws Exception {
        try (Client client = new Client(port)) {
            assertThat(client.send("AUTH PLAIN AHByaW50ZXJzAHBiX3NlY3JldA=="))
                .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
        }
    }

    @Test
    void aRecipientTheAccountSuppressedIsRefusedSayingWhy() throws Exception {
        backend.suppressions().add("printers", "gone@example.net", SuppressionReason.HARD_BOUNCE, "550 5.1.1 no such user");

        try (Client client = new Client(port)) {
            assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
            assertThat(client.send("RCPT TO:<gone@example.net>"))
                .startsWith("550 5.1.1 <gone@example.net>: suppressed since ")
                .contains("(hard-bounce): it bounced permanently: 550 5.1.1 no such user");
            assertThat(client.send("RCPT TO:<someone@example.net>")).startsWith("250");
        }
    }

    /** A line-by-line SMTP client: the tests read the server's real replies. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final Writer out;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
            assertThat(reply()).startsWith("220");
            assertThat(send("EHLO client.example")).startsWith("250");
        }

        String send(String line) throws IOException {
            out.write(line + "\r\n");
            out.flush();
            return reply();
        }

        /** The last line of a (possibly multi-line) reply. */
        private String reply() throws IOException {
            String line = in.readLine();
            while (line != null && line.length() > 3 && line.charAt(3) == '-') {
                line = in.readLine();
            }
            return String.valueOf(line);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
