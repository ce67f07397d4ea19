package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * The server answers "is this one of our domains?" and "what does this address map to?" from memory (both lookups
 * run for every recipient): a domain or an alias an operator adds or removes through WebAdmin counts for the very
 * next SMTP command, with no delay. (Mail to an alias reaching its mailbox: {@code JamesStateSurvivesRestartIT}.)
 */
class DomainAndAliasChangesTest {
    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> { });

    private static WebAdmin webAdmin;
    private static int inbound;

    @BeforeAll
    static void setUp() throws Exception {
        webAdmin = PostbridgeJames.webAdmin(james.getGuiceJamesServer());
        inbound = PostbridgeJames.smtpPorts(james.getGuiceJamesServer()).get(PostbridgeJames.INBOUND);
    }

    @Test
    void anAddedDomainIsLocalAtOnceAndARemovedOneNoLonger() throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("someone@remote.test");
            assertThat(smtp.rcptTo("anna@fresh.test")).as("not ours yet: no relaying").startsWith("5");
            assertThat(webAdmin.get("/domains/fresh.test").statusCode()).isEqualTo(404);

            assertThat(webAdmin.put("/domains/fresh.test", "").statusCode()).isEqualTo(204);
            webAdmin.addUser("anna@fresh.test", "secret");
            assertThat(webAdmin.get("/domains/fresh.test").statusCode()).isEqualTo(204);
            assertThat(smtp.rcptTo("anna@fresh.test")).as("ours now").startsWith("250");
            assertThat(smtp.rcptTo("nobody@fresh.test")).as("ours, but no such user").startsWith("550");

            smtp.rset();
            webAdmin.delete("/users/anna@fresh.test");
            assertThat(webAdmin.delete("/domains/fresh.test").statusCode()).isEqualTo(204);
            assertThat(webAdmin.get("/domains/fresh.test").statusCode()).isEqualTo(404);
            smtp.mailFrom("someone@remote.test");
            assertThat(smtp.rcptTo("anna@fresh.test")).as("no longer ours: no relaying").startsWith("5");
        }
    }

    @Test
    void anAddedAliasIsARecipientAtOnceAndARemovedOneNoLonger() throws Exception {
        assertThat(webAdmin.put("/domains/alias.test", "").statusCode()).isEqualTo(204);
        webAdmin.addUser("bob@alias.test", "secret");
        try (SmtpClient smtp = SmtpClient.connect(inbound)) {
            smtp.ehlo();
            smtp.mailFrom("someone@remote.test");
            assertThat(smtp.rcptTo("robert@alias.test")).as("no such user, no alias yet").startsWith("550");

            assertThat(webAdmin.put("/address/aliases/bob@alias.test/sources/robert@alias.test", "").statusCode()).isEqualTo(204);
            assertThat(smtp.rcptTo("robert@alias.test")).as("an alias of bob now").startsWith("250");
            assertThat(webAdmin.put("/address/aliases/bob@alias.test/sources/bobby@alias.test", "").statusCode()).isEqualTo(204);
            assertThat(smtp.rcptTo("bobby@alias.test")).as("a second alias of the same user").startsWith("250");
            assertThat(smtp.rcptTo("robert@alias.test")).as("the first one kept").startsWith("250");

            smtp.rset();
            assertThat(webAdmin.delete("/address/aliases/bob@alias.test/sources/robert@alias.test").statusCode()).isEqualTo(204);
            smtp.mailFrom("someone@remote.test");
            assertThat(smtp.rcptTo("robert@alias.test")).as("removed: no longer a recipient").startsWith("550");
            assertThat(smtp.rcptTo("bobby@alias.test")).as("the other alias stays").startsWith("250");
        }
    }
}
