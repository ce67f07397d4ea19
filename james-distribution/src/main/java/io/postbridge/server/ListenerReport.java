package io.postbridge.server;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.protocols.lib.netty.AbstractConfigurableAsyncServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;

import io.postbridge.server.startup.SmtpListener;

/** After start-up: one line per listener, with what it is bound to and what it offers. */
public class ListenerReport implements GuiceProbe {
    private final SMTPServerFactory smtpServers;
    private final WebAdminServer webAdmin;
    private final WebAdminConfiguration webAdminConfiguration;

    @Inject
    public ListenerReport(SMTPServerFactory smtpServers, WebAdminServer webAdmin, WebAdminConfiguration webAdminConfiguration) {
        this.smtpServers = smtpServers;
        this.webAdmin = webAdmin;
        this.webAdminConfiguration = webAdminConfiguration;
    }

    /** {@code configured} is smtpserver.xml in document order, which is the order James created the servers in. */
    public List<String> lines(List<SmtpListener> configured) {
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
        if (webAdminConfiguration.isEnabled()) {
            lines.add(String.format("WebAdmin         listening on %s:%d (REST API; Postbridge routes under /postbridge)",
                webAdminConfiguration.getHost(), webAdmin.getPort().getValue()));
        }
        return lines;
    }
}
