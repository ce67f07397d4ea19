package io.postbridge.core.fakes;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A scriptable upstream SMTP server (the contract of next-features-anchors.md §C.5), on loopback and a free port.
 * EHLO offers STARTTLS (when TLS is on), AUTH PLAIN LOGIN XOAUTH2, PIPELINING, 8BITMIME and SMTPUTF8. It counts TCP
 * accepts, AUTH successes per user name and QUITs, records each message with the user name its connection
 * authenticated as, and can be told to answer one RCPT with a given reply, refuse a user's credentials (535),
 * answer 421 and close after N messages on a connection, or drop the socket without an answer.
 */
public final class FakeUpstream implements AutoCloseable {
    /** One message as received. */
    public static final class Received {
        public final String authenticatedAs;
        public final String mailFrom;
        public final List<String> recipients;
        public final byte[] content;
        public final int connection;
        /**
         * Null, or why the client cannot know that this message was received (an injected
         * {@link Faults.Smtp#DROP_AFTER_DATA}): a second copy of it is then expected, not a defect.
         */
        public final String answerLost;
        /** When the fake received it (epoch milliseconds). */
        public final long atMillis = System.currentTimeMillis();

        Received(String authenticatedAs, String mailFrom, List<String> recipients, byte[] content, int connection) {
            this(authenticatedAs, mailFrom, recipients, content, connection, null);
        }

        Received(String authenticatedAs, String mailFrom, List<String> recipients, byte[] content, int connection, String answerLost) {
            this.answerLost = answerLost;
            this.authenticatedAs = authenticatedAs;
            this.mailFrom = mailFrom;
            this.recipients = List.copyOf(recipients);
            this.content = content;
            this.connection = connection;
        }

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private static volatile SSLContext tlsContext;

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
    private final Map<java.util.regex.Pattern, String> rcptPatternReplies = new ConcurrentHashMap<>();
    /** Random faults per transaction (421 at MAIL FROM, 451 at RCPT, socket dropped after DATA); off by default. */
    public final Faults<Faults.Smtp> faults = Faults.smtp(25);
    private final Map<String, AtomicInteger> authSuccesses = new ConcurrentHashMap<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> mailFromLines = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger accepts = new AtomicInteger();
    private final AtomicInteger quits = new AtomicInteger();
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());
    private final boolean tls;
    private volatile boolean requireAuth;
    private volatile boolean smtpUtf8 = true;
    private volatile boolean eightBitMime = true;
    private volatile int close421AfterMessages;
    private volatile int dropAfterMessages;
    private volatile String ehloName = "upstream.test";
    private volatile java.util.function.BiPredicate<String, String> bearerTokens = (user, token) -> false;

    private FakeUpstream(boolean tls) throws IOException {
        this.tls = tls;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::acceptLoop);
    }

    /** Plain SMTP, no STARTTLS. */
    public static FakeUpstream plain() throws IOException {
        return new FakeUpstream(false);
    }

    /** {@link #plain()} for a field initializer: a port that cannot be bound fails the test class at once. */
    public static FakeUpstream startPlain() {
        try {
            return plain();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Offers STARTTLS with a self-signed certificate for localhost / 127.0.0.1 (see {@link #clientTrust()}). */
    public static FakeUpstream withStartTls() throws IOException {
        return new FakeUpstream(true);
    }

    public FakeUpstream user(String name, String password) {
        users.put(name, password);
        requireAuth = true;
        return this;
    }

    /** AUTH XOAUTH2: accepts a bearer token when {@code valid} says it works for that user (a fake token endpoint's). */
    public FakeUpstream bearerTokens(java.util.function.BiPredicate<String, String> valid) {
        this.bearerTokens = valid;
        requireAuth = true;
        return this;
    }

    /** Answers RCPT TO for {@code recipient} with {@code reply} (for instance "451 4.3.0 try later"). */
    public FakeUpstream rcptReply(String recipient, String reply) {
        rcptReplies.put(recipient.toLowerCase(Locale.ROOT), reply);
        return this;
    }

    /** Answers RCPT TO for every recipient matching {@code regex} (whole address, case-insensitive) with {@code reply}. */
    public FakeUpstream rcptReplyMatching(String regex, String reply) {
        rcptPatternReplies.put(java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.CASE_INSENSITIVE), reply);
        return this;
    }

    /** Answers RCPT TO for {@code recipient} normally again. */
    public FakeUpstream clearRcptReply(String recipient) {
        rcptReplies.remove(recipient.toLowerCase(Locale.ROOT));
        return this;
    }

    /** After {@code n} messages on one connection, the next command gets 421 and the socket is closed. */
    public FakeUpstream close421AfterMessages(int n) {
        this.close421AfterMessages = n;
        return this;
    }

    /** After {@code n} messages on one connection, the next command gets no answer: the socket is closed. */
    public FakeUpstream dropAfterMessages(int n) {
        this.dropAfterMessages = n;
        return this;
    }

    public FakeUpstream withoutSmtpUtf8() {
        this.smtpUtf8 = false;
        return this;
    }

    public FakeUpstream withoutEightBitMime() {
        this.eightBitMime = false;
        return this;
    }

    public FakeUpstream ehloName(String name) {
        this.ehloName = name;
        return this;
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepts() {
        return accepts.get();
    }

    public int quits() {
        return quits.get();
    }

    public int authSuccesses(String user) {
        AtomicInteger count = authSuccesses.get(user);
        return count == null ? 0 : count.get();
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<String> mailFromLines() {
        synchronized (mailFromLines) {
            return List.copyOf(mailFromLines);
        }
    }

    /** Closes every open connection from the server side, without a word (a dropped socket). */
    public void dropAll() {
        synchronized (open) {
            for (Socket socket : open) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropAll();
        threads.shutdownNow();
    }

    /** A client socket factory trusting this fake's certificate (the "configured upstream" CA of the tests). */
    public static SSLSocketFactory clientTrust() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keyStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized SSLContext serverTls() throws Exception {
        if (tlsContext == null) {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore(), "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            tlsContext = context;
        }
        return tlsContext;
    }

    private static KeyStore keyStoreCache;

    private static synchronized KeyStore keyStore() throws Exception {
        if (keyStoreCache == null) {
            Path dir = Files.createTempDirectory("fake-upstream-tls");
            Path file = dir.resolve("upstream.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "upstream", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, "changeit".toCharArray());
            }
            keyStoreCache = store;
        }
        return keyStoreCache;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int number = accepts.incrementAndGet();
                open.add(socket);
                threads.submit(() -> session(socket, number));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket socket, int number) {
        try {
            new Session(socket, number).run();
        } catch (IOException e) {
            // client went away
        } finally {
            open.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final int number;
        private boolean secure;
        private String user;
        private String mailFrom;
        private final List<String> recipients = new ArrayList<>();
        private int messages;
        private Faults.Smtp fault;

        Session(Socket socket, int number) throws IOException {
            this.socket = socket;
            this.number = number;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        void run() throws IOException {
            reply("220 " + ehloName + " ESMTP fake");
            while (true) {
                String line = readLine();
                if (line == null) {
                    return;
                }
                String upper = line.toUpperCase(Locale.ROOT);
                if (messages > 0 && dropAfterMessages > 0 && messages >= dropAfterMessages && !upper.startsWith("QUIT")) {
                    socket.close();
                    return;
                }
                if (messages > 0 && close421AfterMessages > 0 && messages >= close421AfterMessages && !upper.startsWith("QUIT")) {
                    reply("421 4.7.0 " + ehloName + " closing connection");
                    socket.close();
                    return;
                }
                if (upper.startsWith("EHLO")) {
                    StringBuilder answer = new StringBuilder("250-" + ehloName + "\r\n");
                    if (tls && !secure) {
                        answer.append("250-STARTTLS\r\n");
                    }
                    answer.append("250-PIPELINING\r\n");
                    if (eightBitMime) {
                        answer.append("250-8BITMIME\r\n");
                    }
                    if (smtpUtf8) {
                        answer.append("250-SMTPUTF8\r\n");
                    }
                    answer.append("250 AUTH PLAIN LOGIN XOAUTH2");
                    reply(answer.toString());
                } else if (upper.startsWith("HELO")) {
                    reply("250 " + ehloName);
                } else if (upper.startsWith("STARTTLS") && tls) {
                    reply("220 2.0.0 ready to start TLS");
                    startTls();
                } else if (upper.startsWith("AUTH PLAIN")) {
                    String initial = line.length() > 10 ? line.substring(10).trim() : "";
                    if (initial.isEmpty()) {
                        reply("334 ");
                        initial = readLine();
                    }
                    String[] parts = new String(Base64.getDecoder().decode(initial), StandardCharsets.UTF_8).split("\0", -1);
                    authenticate(parts.length == 3 ? parts[1] : "", parts.length == 3 ? parts[2] : "");
                } else if (upper.startsWith("AUTH XOAUTH2")) {
                    String initial = line.length() > 12 ? line.substring(12).trim() : "";
                    if (initial.isEmpty()) {
                        reply("334 ");
                        initial = readLine();
                    }
                    // user=NAME^Aauth=Bearer TOKEN^A^A
                    String[] fields = new String(Base64.getDecoder().decode(initial), StandardCharsets.UTF_8).split("\u0001");
                    String name = "";
                    String token = "";
                    for (String field : fields) {
                        if (field.startsWith("user=")) {
                            name = field.substring(5);
                        } else if (field.startsWith("auth=Bearer ")) {
                            token = field.substring(12);
                        }
                    }
                    if (tls && !secure) {
                        reply("538 5.7.11 encryption required");
                    } else if (bearerTokens.test(name, token)) {
                        user = name;
                        authSuccesses.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                        reply("235 2.7.0 Accepted");
                    } else {
                        reply("334 eyJzdGF0dXMiOiI0MDAiLCJzY2hlbWVzIjoiQmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==");
                        readLine(); // the client's empty answer to the error challenge
                        reply("535 5.7.8 Username and Password not accepted");
                    }
                } else if (upper.startsWith("AUTH LOGIN")) {
                    reply("334 VXNlcm5hbWU6");
                    String name = decode(readLine());
                    reply("334 UGFzc3dvcmQ6");
                    authenticate(name, decode(readLine()));
                } else if (upper.startsWith("MAIL FROM:")) {
                    if (requireAuth && user == null) {
                        reply("530 5.7.0 authentication required");
                        continue;
                    }
                    fault = faults.next();
                    if (fault == Faults.Smtp.CLOSE_421) {
                        reply("421 4.3.2 " + ehloName + " closing connection (injected fault)");
                        socket.close();
                        return;
                    }
                    mailFromLines.add(line);
                    mailFrom = address(line.substring(10));
                    recipients.clear();
                    reply("250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    String recipient = address(line.substring(8));
                    String scripted = rcptReplies.get(recipient.toLowerCase(Locale.ROOT));
                    for (Map.Entry<java.util.regex.Pattern, String> pattern : rcptPatternReplies.entrySet()) {
                        if (scripted == null && pattern.getKey().matcher(recipient).matches()) {
                            scripted = pattern.getValue();
                        }
                    }
                    if (scripted == null && fault == Faults.Smtp.RCPT_451) {
                        fault = null;
                        scripted = "451 4.3.0 <" + recipient + ">: try again later (injected fault)";
                    }
                    if (scripted != null) {
                        reply(scripted);
                    } else {
                        recipients.add(recipient);
                        reply("250 2.1.5 Ok");
                    }
                } else if (upper.equals("DATA")) {
                    if (recipients.isEmpty()) {
                        reply("554 5.5.1 no valid recipients");
                        continue;
                    }
                    reply("354 end with <CRLF>.<CRLF>");
                    byte[] content = readData();
                    messages++;
                    if (fault == Faults.Smtp.DROP_AFTER_DATA) {
                        received.add(new Received(user, mailFrom, recipients, content, number,
                            "injected DROP_AFTER_DATA: socket closed instead of the answer to the final dot"));
                        socket.close();
                        return;
                    }
                    received.add(new Received(user, mailFrom, recipients, content, number));
                    reply("250 2.0.0 Ok: queued as " + number + "-" + messages);
                    recipients.clear();
                } else if (upper.startsWith("RSET")) {
                    recipients.clear();
                    reply("250 2.0.0 Ok");
                } else if (upper.startsWith("NOOP")) {
                    reply("250 2.0.0 Ok");
                } else if (upper.startsWith("QUIT")) {
                    quits.incrementAndGet();
                    reply("221 2.0.0 Bye");
                    return;
                } else {
                    reply("502 5.5.2 command not recognized");
                }
            }
        }

        private void authenticate(String name, String password) throws IOException {
            if (tls && !secure) {
                reply("538 5.7.11 encryption required");
                return;
            }
            if (password.equals(users.get(name))) {
                user = name;
                authSuccesses.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                reply("235 2.7.0 Authentication successful");
            } else {
                reply("535 5.7.8 Authentication credentials invalid");
            }
        }

        private void startTls() throws IOException {
            try {
                SSLSocket ssl = (SSLSocket) serverTls().getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
                ssl.setUseClientMode(false);
                ssl.startHandshake();
                open.remove(socket);
                open.add(ssl);
                socket = ssl;
                in = new BufferedInputStream(ssl.getInputStream());
                out = ssl.getOutputStream();
                secure = true;
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        private String decode(String base64) {
            return base64 == null ? "" : new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        }

        private String address(String argument) {
            String trimmed = argument.trim();
            int end = trimmed.indexOf('>');
            return trimmed.startsWith("<") && end > 0 ? trimmed.substring(1, end) : trimmed.split(" ")[0];
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            return null;
        }

        /** Up to CRLF.CRLF, dot-unstuffed, CRLF line ends kept. */
        private byte[] readData() throws IOException {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            while (true) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while ((b = in.read()) != -1) {
                    line.write(b);
                    if (b == '\n') {
                        break;
                    }
                }
                if (b == -1) {
                    throw new IOException("connection closed in DATA");
                }
                byte[] bytes = line.toByteArray();
                if (bytes.length == 3 && bytes[0] == '.' && bytes[1] == '\r') {
                    return content.toByteArray();
                }
                int start = bytes.length > 0 && bytes[0] == '.' ? 1 : 0;
                content.write(bytes, start, bytes.length - start);
            }
        }
    }
}
