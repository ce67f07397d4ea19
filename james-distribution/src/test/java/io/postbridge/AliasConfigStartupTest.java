package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.AliasXml;
import io.postbridge.it.ConfFolder;
import io.postbridge.server.PostbridgeServerMain;
import io.postbridge.server.startup.StartupFailure;

/** A broken alias configuration stops the server at start-up with one line that names the culprit. */
class AliasConfigStartupTest {
    @TempDir
    Path workingDirectory;

    @Test
    void malformedAliasNamesTheAlias() {
        String failure = startFailure(conf -> AliasXml.aliases(conf, "<aliases>"
            + "<alias address='info@example.com'><target>alice@example.com</target></alias>"
            + "<alias address='sales@@example.com'><target>carol@partner.example</target></alias>"
            + "</aliases>"));
        assertThat(failure).isEqualTo("mailetcontainer.xml: setting mailet AliasForward <aliases> alias "
            + "'sales@@example.com': 'sales@@example.com' has an invalid character in its local part ('@')");
    }

    @Test
    void badTargetNamesItsAlias() {
        String failure = startFailure(conf -> AliasXml.aliases(conf, "<aliases>"
            + "<alias address='info@example.com'><target>alice.example.com</target></alias></aliases>"));
        assertThat(failure).isEqualTo("mailetcontainer.xml: setting mailet AliasForward <aliases> alias "
            + "'info@example.com': target 'alice.example.com' is not an address (local@domain)");
    }

    @Test
    void aliasCycleIsNamed() {
        String failure = startFailure(conf -> AliasXml.aliases(conf, "<aliases>"
            + "<alias address='a@example.com'><target>b@example.com</target></alias>"
            + "<alias address='b@example.com'><target>a@example.com</target></alias></aliases>"));
        assertThat(failure).isEqualTo("mailetcontainer.xml: setting mailet AliasForward <aliases>: aliases point "
            + "back at each other: a@example.com -> b@example.com -> a@example.com");
    }

    private String startFailure(Consumer<ConfFolder> edit) {
        ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), workingDirectory.resolve("conf")).loopbackAnyPorts();
        edit.accept(conf);
        GuiceJamesServer server = PostbridgeServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(workingDirectory.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build(), new String[] {"--generate-keystore"});
        try {
            Throwable thrown = catchThrowable(server::start);
            assertThat(thrown).as("start-up should fail").isNotNull();
            return StartupFailure.oneLine(thrown);
        } finally {
            server.stop();
        }
    }
}
