package io.postbridge.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;

import io.postbridge.server.startup.SmtpListener;
import io.postbridge.server.startup.SmtpServerXml;

/** After start-up: one line per listener, with what it is bound to and what it offers. */
public class ListenerReport implements GuiceProbe {
    private final SMTPServerFactory smtpServers;
    private final IMAPServerFactory imapServers;
    private final WebAdminServer webAdmin;
    private final WebAdminConfiguration webAdminConfiguration;
    private final FileSystem fileSystem;

    @Inject
    public ListenerReport(SMTPServerFactory smtpServers, IMAPServerFactory imapServers, WebAdminServer webAdmin,
                          WebAdminConfiguration webAdminConfiguration, FileSystem fileSystem) {
        this.smtpServers = smtpServers;
        this.imapServers = imapServers;
        this.webAdmin = webAdmin;
        this.webAdminConfiguration = webAdminConfiguration;
        this.fileSystem = fileSystem;
    }

    /** smtpserver.xml in document order, which is the order James created the servers in. */
    private List<SmtpListener> configured() throws IOException {
        return SmtpServerXml.read(fileSystem.getFile("file://conf/" + SmtpServerXml.FILE).toPath());
    }

    /** The bound ports of the enabled IMAP listeners, by {@code imap} (STARTTLS) and {@code imaps} (implicit TLS). */
    public Map<String, Integer> imapPortsByName() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (AbstractConfigurableAsyncServer server : imapServers.getServers()) {
            if (server.isEnabled()) {
                server.getListenAddresses().stream().findFirst().ifPresent(address ->
                    ports.put("secure".equals(server.getSocketType()) ? "imaps" : "imap", address.getPort()));
            }
        }
        return ports;
    }

    /** The first bound port of each enabled SMTP listener, by its {@code <jmxName>}. */
    public Map<String, Integer> smtpPortsByName() throws IOException {
        List<SmtpListener> configured = configured();
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<AbstractConfigurableAsyncServer> servers = smtpServers.getServers();
        for (int i = 0; i < servers.size() && i < configured.size(); i++) {
            SmtpListener listener = configured.get(i);
            if (listener.isEnabled()) {
                servers.get(i).getListenAddresses().stream().findFirst()
                    .ifPresent(address -> ports.put(listener.getName(), address.getPort()));
            }
        }
        return ports;
    }

    public List<String> lines() throws IOException {
        List<SmtpListener> configured = configured();
        List<String> lines = new ArrayList<>();
        List<AbstractConfigurableAsyncServer> servers = smtpServers.getServers();
        for (int i = 0; i < servers.size() && i < configured.size(); i++) {
            SmtpListener listener = configured.get(i);
            if (!listener.isEnabled()) {
                continue;
            }
            for (InetSocketAddress address : servers.get(i).getListenAddresses()) {
                lines.add(String.format("SMTP %-11s listening on %s:%d (%s)", listener.getName(),
                    address.getHostString(), address.getPort(), listener.describeSecurity()));
            }
        }
        for (AbstractConfigurableAsyncServer server : imapServers.getServers()) {
            if (!server.isEnabled()) {
                continue;
            }
            boolean implicitTls = "secure".equals(server.getSocketType());
            for (InetSocketAddress address : server.getListenAddresses()) {
                lines.add(String.format("IMAP %-11s listening on %s:%d (%s)", implicitTls ? "imaps" : "imap",
                    address.getHostString(), address.getPort(),
                    implicitTls ? "implicit TLS, LOGIN" : server.getStartTLSSupported() ? "STARTTLS, LOGIN after TLS" : "plain"));
            }
        }
        if (webAdminConfiguration.isEnabled()) {
            lines.add(String.format("WebAdmin         listening on %s:%d (REST API; Postbridge routes under /postbridge)",
                webAdminConfiguration.getHost(), webAdmin.getPort().getValue()));
        }
        return lines;
    }
}
