package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.WebAdmin;

/** A second server started on a directory whose server is running refuses at once, in one line, and harms nothing. */
class OneServerPerDirectoryIT {
    @TempDir
    Path tmp;

    @Test
    void aSecondServerOnTheSameVarRefusesWithOneLine() throws Exception {
        Ports ports = new Ports();
        try (ServerProcess first = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            ports.applyTo(first.conf());
            first.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();
            webAdmin.addUser("alice@example.com", "alice-secret");

            try (ServerProcess second = first.secondOnSameDirectory("second-console.log")) {
                second.start();
                assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
                List<String> failures = second.log().lines().filter(line -> line.startsWith("Postbridge: start-up failed"))
                    .collect(Collectors.toList());
                assertThat(failures).hasSize(1);
                assertThat(failures.get(0)).contains("another Postbridge server (pid ")
                    .contains(first.home().resolve("var").toString()).contains("stop it first");
                assertThat(second.log()).doesNotContain("Exception").doesNotContain("XSDB6");
            }

            // the first server is unharmed
            assertThat(first.isAlive()).isTrue();
            assertThat(webAdmin.getJson("/users").toString()).contains("alice@example.com");
        }
    }
}
