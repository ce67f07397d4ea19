package io.postbridge.auth.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

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

/**
 * The sender-policy and suppressed-recipient hooks in James's own SMTP protocol server, behind the trusted-network
 * hook (which makes the session an account's), on core's real services (the store on H2 in a temporary folder).
 */
class SubmissionHooksOnTheRealStoreTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private SmtpHooksServer server;

    @BeforeEach
    void start() throws Exception {
        backend = SmtpHooksServer.backend(home);
        // an account's session never consults James's CanSendFrom or DomainList (those are for James mailbox users)
        server = SmtpHooksServer.start(backend, new TrustedNetworkHook(backend.trustedNetworks(), backend.accounts()),
            new SenderPolicyHook(backend.senderPolicy(), null, null),
            new SuppressedRecipientHook(backend.suppressions()),
            new ApiKeyAuthHook(backend.authenticator(), null)); // James's users are consulted only after TLS
        AccountAdministration admin = backend.accountAdministration();
        Account printers = admin.createOrUpdate("printers", account -> account).account();
        admin.addSender(printers, SenderPattern.parse("scan@example.com"));
        admin.addNetwork(printers, IpRange.parse("127.0.0.1/32"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anAccountMaySendOnlyAsItsAllowedSenders() throws Exception {
        try (SmtpLineClient client = server.connect()) {
            assertThat(client.send("MAIL FROM:<boss@example.com>"))
                .isEqualTo("550 5.7.1 Sender <boss@example.com> is not allowed for account 'printers'");
            assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
        }
    }

    @Test
    void anApiKeyIsNeverAcceptedWithoutTls() throws Exception {
        try (SmtpLineClient client = server.connect()) {
            assertThat(client.send("AUTH PLAIN AHByaW50ZXJzAHBiX3NlY3JldA=="))
                .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
        }
    }

    @Test
    void aRecipientTheAccountSuppressedIsRefusedSayingWhy() throws Exception {
        backend.suppressions().add("printers", "gone@example.net", SuppressionReason.HARD_BOUNCE, "550 5.1.1 no such user");

        try (SmtpLineClient client = server.connect()) {
            assertThat(client.send("MAIL FROM:<scan@example.com>")).startsWith("250");
            assertThat(client.send("RCPT TO:<gone@example.net>"))
                .startsWith("550 5.1.1 <gone@example.net>: suppressed since ")
                .contains("(hard-bounce): it bounced permanently: 550 5.1.1 no such user");
            assertThat(client.send("RCPT TO:<someone@example.net>")).startsWith("250");
        }
    }
}
