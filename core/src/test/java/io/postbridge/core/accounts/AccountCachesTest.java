package io.postbridge.core.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.store.Jdbc;
import io.postbridge.core.store.JdbcAccountRepository;
import io.postbridge.core.store.JdbcAllowedSenderRepository;
import io.postbridge.core.testing.MutableClock;

/**
 * The accounts and allowed senders the mail path reads are cached: a change through this node is seen by the next
 * mail, a change another node writes to the shared store within {@link TrustedNetworks#DEFAULT_REFRESH}. "Another
 * node" is a second repository on the same database, bypassing this node's caches, as a second server would.
 */
class AccountCachesTest {
    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private PostbridgeBackend backend;
    private AccountAdministration admin;
    private JdbcAccountRepository otherNodeAccounts;
    private JdbcAllowedSenderRepository otherNodeSenders;

    @BeforeEach
    void start() {
        backend = PostbridgeBackend.start(PostbridgeSettings.defaults(home), Map.of(), clock, PostbridgeBackend.noMicrosoft());
        admin = backend.accountAdministration();
        Jdbc shared = new Jdbc(backend.database().dataSource());
        otherNodeAccounts = new JdbcAccountRepository(shared);
        otherNodeSenders = new JdbcAllowedSenderRepository(shared);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void anAccountDisabledHereIsSeenAtOnceAndOneDisabledElsewhereWithinTheRefresh() {
        Account printers = admin.createOrUpdate("printers", account -> account).account();
        assertThat(backend.accounts().findById(printers.id())).hasValueSatisfying(account -> assertThat(account.enabled()).isTrue());

        admin.update(printers.withEnabled(false));
        assertThat(backend.accounts().findById(printers.id())).hasValueSatisfying(account -> assertThat(account.enabled()).isFalse());

        otherNodeAccounts.update(printers.withEnabled(true));
        assertThat(backend.accounts().findById(printers.id())).hasValueSatisfying(account -> assertThat(account.enabled()).isFalse());
        clock.advance(TrustedNetworks.DEFAULT_REFRESH);
        assertThat(backend.accounts().findById(printers.id())).hasValueSatisfying(account -> assertThat(account.enabled()).isTrue());

        otherNodeAccounts.delete("printers");
        clock.advance(TrustedNetworks.DEFAULT_REFRESH);
        assertThat(backend.accounts().findById(printers.id())).isEmpty();
    }

    @Test
    void anAccountCreatedElsewhereIsFoundAtOnce() {
        assertThat(backend.accounts().findById(1)).isEmpty();
        Account created = otherNodeAccounts.create("crm", clock.instant());
        assertThat(backend.accounts().findById(created.id())).hasValueSatisfying(account -> assertThat(account.name()).isEqualTo("crm"));
    }

    @Test
    void anAllowedSenderAddedHereIsSeenAtOnceAndOneRemovedElsewhereWithinTheRefresh() {
        Account crm = admin.createOrUpdate("crm", account -> account).account();
        SenderPolicy policy = backend.senderPolicy();
        assertThat(policy.allows(crm, "app@example.com")).isFalse();

        admin.addSender(crm, SenderPattern.parse("app@example.com"));
        assertThat(policy.allows(crm, "app@example.com")).isTrue();

        otherNodeSenders.remove(crm.id(), SenderPattern.parse("app@example.com"));
        assertThat(policy.allows(crm, "app@example.com")).isTrue();
        clock.advance(Duration.ofSeconds(4));
        assertThat(policy.allows(crm, "app@example.com")).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(policy.allows(crm, "app@example.com")).isFalse();

        otherNodeSenders.add(crm.id(), SenderPattern.parse("@example.com"));
        admin.removeSender(crm, SenderPattern.parse("nobody@example.com")); // any change here re-reads the account's list
        assertThat(policy.allows(crm, "other@example.com")).isTrue();
    }
}
