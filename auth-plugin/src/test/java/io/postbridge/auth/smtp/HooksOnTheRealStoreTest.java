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
import java.util.Optional;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.netty.NettyServer;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * The trusted-network and rate-limit hooks in James's own SMTP protocol server, on core's real services (the store
 * on H2 in a temporary folder), spoken to over a socket like any client.
 */
class HooksOnTheRealStoreTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private NettyServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        backend = PostbridgeBackend.start(PostbridgeSettings.defaults(home), Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new RecordingMetricFactory(),
            new TrustedNetworkHook(backend.trustedNetworks(), backend.accounts()), new RateLimitHook(backend.rateLimits()));
        server = new NettyServer.Factory().protocol(new SMTPProtocol(chain, new SMTPConfigurationImpl())).build();
        server.setListenAddresses(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.bind();
        port = server.getListenAddresses().get(0).getPort();
    }

    @AfterEach
    void stop() {
        server.unbind();
        backend.close();
    }

    @Test
    void aDeviceInAnAccountsNetworkSendsAsThatAccountWithinItsLimit() throws Exception {
        AccountAdministration admin = backend.accountAdministration();
        Account printers = admin.createOrUpdate("printers", account -> account.withLimits(Optional.of(1), Optional.empty())).account();
        admin.addNetwork(printers, IpRange.parse("127.0.0.1/32"));

        try (Client client = new Client(port)) {
            assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
            assertThat(client.send("RSET")).startsWith("250");
            assertThat(client.send("MAIL FROM:<scan@example.com>"))
                .startsWith("451 4.7.1 Rate limit exceeded: account 'printers' may send 1 messages per minute");
        }
    }

    @Test
    void aDisabledAccountsNetworkIsNotTrusted() throws Exception {
        AccountAdministration admin = backend.accountAdministration();
        Account printers = admin.createOrUpdate("printers", account -> account.withEnabled(false)
            .withLimits(Optional.of(1), Optional.empty())).account();
        admin.addNetwork(printers, IpRange.parse("127.0.0.1/32"));

        try (Client client = new Client(port)) {
            for (int i = 0; i < 3; i++) {
                // not the account's mail: its limit does not apply (and nothing is relayed for it)
                assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
                assertThat(client.send("RSET")).startsWith("250");
            }
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
