package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import io.postbridge.it.ConfFolder;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;

/** A broken configuration stops the server with one line that names the file and the setting. */
class BadConfigurationIT {
    private static final String FAILED = "Postbridge: start-up failed: ";

    @TempDir
    Path tmp;

    @Test
    void unknownMailetParameterValue() throws Exception {
        List<String> lines = failedStart(conf -> conf.mailetParameter("io.postbridge.mailets.RecordMailEvent", "event", "exploded"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith(FAILED + "mailetcontainer.xml: setting mailet RecordMailEvent <event>: must be one of ")
            .contains("delivered").contains("was 'exploded'");
    }

    @Test
    void unknownPostbridgeSettingNamesTheNearestKnownOne() throws Exception {
        List<String> lines = failedStart(conf -> conf.property("postbridge.properties", "events.retension", "30 days"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith(FAILED + "postbridge.properties: setting events.retension: unknown setting; "
            + "did you mean 'events.retention'?");
    }

    @Test
    void badApiDeliveryRetryWindow() throws Exception {
        List<String> lines = failedStart(conf -> conf.mailetParameter("io.postbridge.mailets.ApiDelivery", "retryWindow", "soon"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith(FAILED + "mailetcontainer.xml: setting mailet ApiDelivery <retryWindow>: must be a duration")
            .contains("'soon'");
    }

    @Test
    void httpMicrosoftAuthorityIsRefusedWithTheAlternative() throws Exception {
        List<String> lines = failedStart(conf -> conf.mailetParameter("io.postbridge.mailets.ApiDelivery", "microsoftAuthority",
            "http://127.0.0.1:1234/"));
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("<microsoftAuthority>: must be an https URL").contains("microsoftIdentityEndpoint");
    }

    @Test
    void missingTlsKeyFile() throws Exception {
        List<String> lines = failedStart(conf -> conf.xml("smtpserver.xml", doc -> {
            Element tls = (Element) ConfFolder.select(doc, "/smtpservers/smtpserver[jmxName='submission']/tls").item(0);
            ConfFolder.removeChildren(tls, "keystore");
            ConfFolder.appendChild(tls, "privateKey", "file://conf/no-such-key.pem");
            ConfFolder.appendChild(tls, "certificates", "file://conf/no-such-cert.pem");
        }));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith(FAILED + "smtpserver.xml: setting smtpserver 'submission' <tls><privateKey>: file ")
            .contains("no-such-key.pem does not exist");
        assertThat(lines.get(1)).startsWith(FAILED + "smtpserver.xml: setting smtpserver 'submission' <tls><certificates>: file ")
            .contains("no-such-cert.pem does not exist");
    }

    @Test
    void portAlreadyInUse() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = squatter.getLocalPort();
            List<String> lines = failedStart(conf -> conf.smtpBinds(List.of("127.0.0.1:" + port, "127.0.0.1:0", "127.0.0.1:0")));
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith(FAILED + "smtpserver.xml: setting smtpserver 'inbound' <bind>: 127.0.0.1:" + port
                + " cannot be used");
        }
    }

    /** Starts the server with the edit, expects exit status 1, returns the explanations (one line per problem). */
    private List<String> failedStart(java.util.function.Consumer<ConfFolder> edit) throws Exception {
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            edit.accept(new Ports().applyTo(server.conf()));
            int exit = server.start().awaitExit(Duration.ofSeconds(120));
            String log = server.log();
            assertThat(exit).as(log).isEqualTo(1);
            List<String> lines = Arrays.stream(log.split("\\R")).filter(l -> l.startsWith(FAILED)).collect(Collectors.toList());
            assertThat(lines).as(log).isNotEmpty();
            assertThat(log.trim()).as("the explanation is the last thing printed").endsWith(lines.get(lines.size() - 1));
            return lines;
        }
    }
}
