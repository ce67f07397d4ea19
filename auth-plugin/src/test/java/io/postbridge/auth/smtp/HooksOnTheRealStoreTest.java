package io.postbridge.auth.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.IpRange;

/**
 * The trusted-network and rate-limit hooks in James's own SMTP protocol server, on core's real services (the store
 * on H2 in a temporary folder), spoken to over a socket like any client.
 */
class HooksOnTheRealStoreTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private SmtpHooksServer server;

    @BeforeEach
    void start() throws Exception {
        backend = SmtpHooksServer.backend(home);
        server = SmtpHooksServer.start(backend, new TrustedNetworkHook(backend.trustedNetworks(), backend.accounts()),
            new RateLimitHook(backend.rateLimits()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDeviceInAnAccountsNetworkSendsAsThatAccountWithinItsLimit() throws Exception {
        AccountAdministration admin = backend.accountAdministration();
        Account printers = admin.createOrUpdate("printers", account -> account.withLimits(Optional.of(1), Optional.empty())).account();
        admin.addNetwork(printers, IpRange.parse("127.0.0.1/32"));

        try (SmtpLineClient client = server.connect()) {
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

        try (SmtpLineClient client = server.connect()) {
            for (int i = 0; i < 3; i++) {
                // not the account's mail: its limit does not apply (and nothing is relayed for it)
                assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
                assertThat(client.send("RSET")).startsWith("250");
            }
        }
    }
}
