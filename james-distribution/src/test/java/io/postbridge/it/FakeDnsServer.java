package io.postbridge.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server on UDP for a server running as a process (James's {@code dnsservice.xml} names it): MX and A answers
 * for the test's names, NXDOMAIN for every other name. James's DNS service always asks port 53, so this listens on
 * port 53 of a random loopback address (127.53.x.y, never the machine's own resolver); binding it needs the
 * privilege to open port 53 ({@link #start} says so when it is missing).
 */
public final class FakeDnsServer implements AutoCloseable {
    private final Map<String, List<String>> mx = new ConcurrentHashMap<>();
    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();
    private final InetAddress address;
    private DatagramSocket socket;
    private Thread thread;

    public FakeDnsServer() {
        try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            this.address = InetAddress.getByAddress(new byte[] {127, 53, (byte) random.nextInt(1, 255), (byte) random.nextInt(1, 255)});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** MX hosts of {@code domain}, in preference order. */
    public FakeDnsServer mx(String domain, String... hosts) {
        mx.put(key(domain), List.of(hosts));
        return this;
    }

    public FakeDnsServer address(String host, String... ips) {
        addresses.put(key(host), List.of(ips));
        return this;
    }

    /** The address to put in dnsservice.xml's {@code <server>} (port 53). */
    public String address() {
        return address.getHostAddress();
    }

    /** Points the server's dnsservice.xml at this fake only (no autodiscovery, no search paths). */
    public ConfFolder applyTo(ConfFolder conf) {
        return conf.xml("dnsservice.xml", doc -> {
            org.w3c.dom.Element root = doc.getDocumentElement();
            while (root.getFirstChild() != null) {
                root.removeChild(root.getFirstChild());
            }
            org.w3c.dom.Element servers = doc.createElement("servers");
            org.w3c.dom.Element server = doc.createElement("server");
            server.setTextContent(address());
            servers.appendChild(server);
            root.appendChild(servers);
            org.w3c.dom.Element autodiscover = doc.createElement("autodiscover");
            autodiscover.setTextContent("false");
            root.appendChild(autodiscover);
            org.w3c.dom.Element authoritative = doc.createElement("authoritative");
            authoritative.setTextContent("false");
            root.appendChild(authoritative);
        });
    }

    /** @throws SocketException when port 53 cannot be opened (not privileged) */
    public FakeDnsServer start() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(address, 53));
        thread = new Thread(this::serve, "fake-dns");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void serve() {
        byte[] buffer = new byte[4096];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = answer(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] wire) throws IOException {
        Message query = new Message(wire);
        Record question = query.getQuestion();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.getHeader().setFlag(Flags.RA);
        response.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        String key = key(name.toString());
        boolean known = mx.containsKey(key) || addresses.containsKey(key);
        if (!known) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            return response.toWire();
        }
        if (question.getType() == Type.MX) {
            int preference = 10;
            for (String host : mx.getOrDefault(key, List.of())) {
                response.addRecord(new MXRecord(name, DClass.IN, 60, preference, Name.fromString(host.endsWith(".") ? host : host + ".")),
                    Section.ANSWER);
                preference += 10;
            }
        } else if (question.getType() == Type.A) {
            for (String ip : addresses.getOrDefault(key, List.of())) {
                response.addRecord(new ARecord(name, DClass.IN, 60, InetAddress.getByName(ip)), Section.ANSWER);
            }
        }
        return response.toWire(); // a known name without records of that type: NOERROR, no answer
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
    }
}
