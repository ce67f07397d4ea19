package io.postbridge.server.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupPreflightTest {
    @TempDir
    Path work;

    private Path conf;

    private void smtpserverXml(String servers) throws IOException {
        conf = Files.createDirectories(work.resolve("conf"));
        Files.writeString(conf.resolve("smtpserver.xml"), "<smtpservers>" + servers + "</smtpservers>");
    }

    @Test
    void acceptsFreePortsAndExistingKeys() throws Exception {
        Files.createDirectories(work.resolve("conf"));
        Files.writeString(work.resolve("conf/key.pem"), "k");
        smtpserverXml("<smtpserver><jmxName>a</jmxName><bind>127.0.0.1:0</bind>"
            + "<tls startTLS=\"true\"><privateKey>file://conf/key.pem</privateKey></tls></smtpserver>");

        assertThat(new StartupPreflight(work, conf, false).problems()).isEmpty();
    }

    @Test
    void namesTheListenerWhosePortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            smtpserverXml("<smtpserver><jmxName>mx</jmxName><bind>127.0.0.1:" + taken.getLocalPort() + "</bind></smtpserver>");

            assertThat(new StartupPreflight(work, conf, false).problems()).singleElement().asString()
                .startsWith("smtpserver.xml: setting smtpserver 'mx' <bind>: 127.0.0.1:" + taken.getLocalPort() + " cannot be used");
        }
    }

    @Test
    void disabledListenersAreNotChecked() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            smtpserverXml("<smtpserver enabled=\"false\"><bind>127.0.0.1:" + taken.getLocalPort() + "</bind></smtpserver>");

            assertThat(new StartupPreflight(work, conf, false).problems()).isEmpty();
        }
    }

    @Test
    void missingKeystoreIsAProblemOnlyWhenNotGenerated() throws Exception {
        smtpserverXml("<smtpserver><jmxName>s</jmxName><bind>127.0.0.1:0</bind>"
            + "<tls socketTLS=\"true\"><keystore>file://conf/keystore</keystore></tls></smtpserver>");

        assertThat(new StartupPreflight(work, conf, true).problems()).isEmpty();
        assertThat(new StartupPreflight(work, conf, false).problems()).singleElement().asString()
            .startsWith("smtpserver.xml: setting smtpserver 's' <tls><keystore>: file " + work.resolve("conf/keystore"));
    }

    @Test
    void keyFilesOfAListenerWithoutTlsAreIgnored() throws Exception {
        smtpserverXml("<smtpserver><bind>127.0.0.1:0</bind><tls socketTLS=\"false\" startTLS=\"false\">"
            + "<keystore>file://conf/none</keystore></tls></smtpserver>");

        assertThat(new StartupPreflight(work, conf, false).problems()).isEmpty();
    }

    @Test
    void webAdminPortIsChecked() throws Exception {
        smtpserverXml("");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Files.writeString(conf.resolve("webadmin.properties"), "enabled=true\nhost=127.0.0.1\nport=" + taken.getLocalPort() + "\n");

            assertThat(new StartupPreflight(work, conf, false).problems()).singleElement().asString()
                .startsWith("webadmin.properties: setting port: 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void malformedXmlIsReportedWithTheFileName() throws Exception {
        conf = Files.createDirectories(work.resolve("conf"));
        Files.writeString(conf.resolve("smtpserver.xml"), "<smtpservers><smtpserver>");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StartupPreflight(work, conf, false).problems())
            .hasMessageStartingWith("smtpserver.xml: not well-formed XML");
    }
}
