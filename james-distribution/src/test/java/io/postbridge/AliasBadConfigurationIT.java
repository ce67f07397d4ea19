package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.AliasXml;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;

/** The assembled server (bin/postbridge) refuses a malformed alias with one line naming it, and exits 1. */
class AliasBadConfigurationIT {
    private static final String FAILED = "Postbridge: start-up failed: ";

    @TempDir
    Path tmp;

    @Test
    void malformedAliasInMailetContainerXml() throws Exception {
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            AliasXml.aliases(new Ports().applyTo(server.conf()), "<aliases>"
                + "<alias address='info@example.com'><target>alice@example.com</target></alias>"
                + "<alias address='sales@@example.com'><target>carol@partner.example</target></alias>"
                + "</aliases>");
            int exit = server.start().awaitExit(Duration.ofSeconds(120));
            String log = server.log();
            assertThat(exit).as(log).isEqualTo(1);
            List<String> lines = Arrays.stream(log.split("\\R")).filter(l -> l.startsWith(FAILED)).collect(Collectors.toList());
            assertThat(lines).as(log).containsExactly(FAILED + "mailetcontainer.xml: setting mailet AliasForward <aliases> "
                + "alias 'sales@@example.com': 'sales@@example.com' has an invalid character in its local part ('@')");
        }
    }
}
