package io.postbridge.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tiny authoritative DNS server over UDP, for a server running as a separate process (where {@link FakeDns} cannot
 * be bound in): every name of the given domains has an MX pointing at one host, and that host (and each domain,
 * for implicit MX) has an A record on loopback; everything else is NXDOMAIN at once. James's DNS service sends its
 * queries to port 53 of the servers in {@code dnsservice.xml}, so this binds port 53 of a loopback address
 * (127.x.y.z, chosen by the caller to stay clear of other tests), which needs root or CAP_NET_BIND_SERVICE.
 */
public final class FakeDnsServer implements AutoCloseable {
    private static final int A = 1;
    private static final int MX = 15;

    private final DatagramSocket socket;
    private final Set<String> domains = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> addresses = new ConcurrentHashMap<>();
    private final String mxHost;
    private final Thread loop;

    private FakeDnsServer(InetAddress bind, String mxHost, byte[] mxAddress) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 53));
        this.mxHost = mxHost.toLowerCase(Locale.ROOT);
        addresses.put(this.mxHost, mxAddress);
        loop = new Thread(this::serve, "fake-dns");
        loop.setDaemon(true);
        loop.start();
    }

    /** Listens on {@code bind}:53; the MX of every domain added is {@code mxHost}, whose address is 127.0.0.1. */
    public static FakeDnsServer start(String bind, String mxHost) throws IOException {
        return new FakeDnsServer(InetAddress.getByName(bind), mxHost, new byte[] {127, 0, 0, 1});
    }

    /** Whether this machine lets the test bind a loopback port 53 (root), checked by binding it briefly. */
    public static boolean canBind(String bind) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bind), 53))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public FakeDnsServer domain(String domain) {
        domains.add(domain.toLowerCase(Locale.ROOT));
        return this;
    }

    public String address() {
        return socket.getLocalAddress().getHostAddress();
    }

    /** dnsservice.xml asks only this server (autodiscover off). */
    public ConfFolder applyTo(ConfFolder conf) {
        return conf.xml("dnsservice.xml", doc -> {
            org.w3c.dom.Element root = doc.getDocumentElement();
            ConfFolder.removeChildren(root, "autodiscover");
            ConfFolder.removeChildren(root, "servers");
            ConfFolder.appendChild(root, "autodiscover", "false");
            org.w3c.dom.Element servers = doc.createElement("servers");
            ConfFolder.appendChild(servers, "server", address());
            root.appendChild(servers);
        });
    }

    @Override
    public void close() {
        socket.close();
    }

    private void serve() {
        byte[] buffer = new byte[1500];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = answer(buffer, packet.getLength());
                if (answer != null) {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] query, int length) {
        if (length < 12 || (query[4] != 0 || query[5] != 1)) {
            return null;
        }
        // the question: labels, then type and class
        StringBuilder name = new StringBuilder();
        int at = 12;
        while (at < length && query[at] != 0) {
            int label = query[at] & 0xff;
            if (label > 63 || at + 1 + label > length) {
                return null;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(query, at + 1, label, StandardCharsets.US_ASCII));
            at += 1 + label;
        }
        int questionEnd = at + 5;
        if (questionEnd > length) {
            return null;
        }
        int type = ((query[at + 1] & 0xff) << 8) | (query[at + 2] & 0xff);
        String qname = name.toString().toLowerCase(Locale.ROOT);

        byte[] rdata = null;
        boolean exists = addresses.containsKey(qname) || inDomains(qname);
        if (type == MX && inDomains(qname)) {
            ByteArrayOutputStream mx = new ByteArrayOutputStream();
            mx.write(0);
            mx.write(10);
            writeName(mx, mxHost);
            rdata = mx.toByteArray();
        } else if (type == A && exists) {
            rdata = addresses.getOrDefault(qname, new byte[] {127, 0, 0, 1});
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(query[0]);
        out.write(query[1]);
        out.write(0x84 | (query[2] & 0x01)); // QR, AA, RD as asked
        out.write(0x80 | (exists ? 0 : 3)); // RA; NOERROR or NXDOMAIN
        out.write(0);
        out.write(1);
        out.write(0);
        out.write(rdata == null ? 0 : 1);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(query, 12, questionEnd - 12);
        if (rdata != null) {
            out.write(0xc0);
            out.write(12);
            out.write(0);
            out.write(type);
            out.write(0);
            out.write(1);
            out.write(0);
            out.write(0);
            out.write(0);
            out.write(60);
            out.write(rdata.length >> 8);
            out.write(rdata.length & 0xff);
            out.write(rdata, 0, rdata.length);
        }
        return out.toByteArray();
    }

    private boolean inDomains(String name) {
        for (String domain : domains) {
            if (name.equals(domain) || name.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        for (String label : name.split("\\.")) {
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        out.write(0);
    }
}
