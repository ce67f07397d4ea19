package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Element;

import io.postbridge.it.Accounts;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;

/**
 * {@code <allowPlaintextAuth>true</allowPlaintextAuth>} on a listener (a loopback test port) accepts AUTH without
 * TLS there. Without it (the default) the same AUTH gets 538 5.7.11: AccountsSmtpTest#authBeforeTlsIsRefusedNotJustHidden.
 */
class PlaintextAuthTestListenerTest {
    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf.xml("smtpserver.xml", doc -> {
        Element hook = (Element) ConfFolder.select(doc,
            "/smtpservers/smtpserver[jmxName='submission']/handlerchain/handler[@class='io.postbridge.auth.smtp.ApiKeyAuthHook']").item(0);
        ConfFolder.appendChild(hook, "allowPlaintextAuth", "true");
    }));

    @Test
    void aListenerThatAllowsItAcceptsAuthWithoutTls() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        Accounts accounts = new Accounts(PostbridgeJames.webAdmin(server));
        accounts.create("test-app").allowSender("test-app", "test@example.com");
        String key = accounts.issueKey("test-app").key;

        try (SmtpClient smtp = SmtpClient.connect(PostbridgeJames.smtpPorts(server).get(SUBMISSION))) {
            smtp.ehlo();
            assertThat(smtp.authPlain("test-app", key)).startsWith("235");
            assertThat(smtp.mailFrom("test@example.com")).startsWith("250");
            assertThat(smtp.rcptTo("someone@remote.test")).as("authenticated: may relay").startsWith("250");
        }
    }
}
