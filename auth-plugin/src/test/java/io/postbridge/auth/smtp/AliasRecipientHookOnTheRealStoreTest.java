package io.postbridge.auth.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.api.RecipientRewriteTableConfiguration;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.smtpserver.fastfail.ValidRcptHandler;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.auth.alias.JamesLocalMailboxes;
import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.alias.AliasDefinition;
import io.postbridge.core.alias.AliasForwarding;
import io.postbridge.core.alias.AliasResolver;
import io.postbridge.core.alias.DisabledMode;
import io.postbridge.core.alias.ForwardingConfig;
import io.postbridge.core.srs.SrsSettings;

/**
 * The RCPT decisions of {@link AliasRecipientHook} in James's own SMTP protocol server, on core's real alias
 * forwarding and SRS codec and on James's own (in-memory) domain list, users and recipient rewrite table behind
 * James's ValidRcptHandler: the replies a sending server reads.
 */
class AliasRecipientHookOnTheRealStoreTest {
    @TempDir
    Path home;

    private SmtpHooksServer server;
    private AliasForwarding forwarding;

    @BeforeEach
    void start() throws Exception {
        PostbridgeBackend backend = SmtpHooksServer.backend(home);
        MemoryDomainList domains = new MemoryDomainList(null); // no DNS look-ups: auto-detection is off
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("example.com"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(Username.of("alice@example.com"), "secret");
        MemoryRecipientRewriteTable rrt = new MemoryRecipientRewriteTable();
        rrt.setConfiguration(RecipientRewriteTableConfiguration.DEFAULT_ENABLED);
        rrt.setDomainList(domains);
        rrt.setUsersRepository(users);
        JamesLocalMailboxes mailboxes = new JamesLocalMailboxes(domains, users, rrt);
        ForwardingConfig config = new ForwardingConfig(List.of(
                AliasDefinition.of("info@example.com", List.of("alice@example.com", "bob@partner.example"), false, DisabledMode.NO),
                AliasDefinition.of("old@example.com", List.of(), false, DisabledMode.REJECT)),
            AliasResolver.Settings.defaults(),
            Optional.of(new ForwardingConfig.Srs("example.com", SrsSettings.builder().secret("test-only-srs-secret").build())),
            ForwardingConfig.DEFAULT_FORWARD_PROCESSOR, ForwardingConfig.DEFAULT_BOUNCE_PROCESSOR);
        forwarding = new AliasForwarding(config, backend.aliases(), mailboxes, Clock.systemUTC());
        ValidRcptHandler jamesCheck = new ValidRcptHandler(users, rrt, domains);
        AliasRecipientHook hook = new AliasRecipientHook(() -> Optional.of(forwarding), mailboxes, jamesCheck, backend.verp());
        hook.init(new BaseConfiguration());
        server = SmtpHooksServer.start(backend, hook);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aliasesAndUsersAreAcceptedAndUnknownOrDisabledAddressesRefusedSayingWhy() throws Exception {
        try (SmtpLineClient client = server.connect()) {
            assertThat(client.send("MAIL FROM:<sender@remote.test>")).startsWith("250");
            assertThat(client.send("RCPT TO:<info@example.com>")).startsWith("250");
            assertThat(client.send("RCPT TO:<alice@example.com>")).startsWith("250");
            assertThat(client.send("RCPT TO:<old@example.com>")).isEqualTo("550 5.2.1 <old@example.com>: this address is disabled");
            assertThat(client.send("RCPT TO:<nobody@example.com>")).startsWith("550 5.1.1");
            assertThat(client.send("RCPT TO:<someone@elsewhere.test>")).as("not our domain: left to James's relay checks")
                .startsWith("250");
        }
    }

    @Test
    void aBounceReturnsToOneValidSrsAddressAndForgedOrSecondOnesAreRefused() throws Exception {
        String first = forwarding.senderForExternalTargets(Optional.of("carol@remote.test")).orElseThrow();
        String second = forwarding.senderForExternalTargets(Optional.of("dave@remote.test")).orElseThrow();
        assertThat(first).startsWith("SRS0=").endsWith("@example.com");
        String forged = first.replaceFirst("^SRS0=[^=]+=", "SRS0=AAAA=");

        try (SmtpLineClient client = server.connect()) {
            assertThat(client.send("MAIL FROM:<>")).startsWith("250");
            assertThat(client.send("RCPT TO:<" + forged + ">")).isEqualTo("550 5.1.1 <" + forged + ">: SRS hash invalid");
            assertThat(client.send("RCPT TO:<" + first + ">")).startsWith("250");
            assertThat(client.send("RCPT TO:<" + second + ">")).startsWith("550 5.7.1 <" + second + ">: a bounce returns to one address");
        }
    }
}
