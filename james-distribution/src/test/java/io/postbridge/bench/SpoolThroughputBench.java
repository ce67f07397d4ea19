package io.postbridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.WebAdmin;

/**
 * Benchmark, not a test (run with {@code mvn -B -Pbench verify -pl james-distribution -am
 * -Dit.test=SpoolThroughputBench}; needs Postfix's {@code smtp-source} and {@code smtp-sink}, from
 * {@code apt-get install postfix}). The load of issue 14: {@code smtp-source}, 20 sessions, 8,000 messages of 2 KB,
 * from an unauthenticated client on a trusted network (127.0.0.0/8), against, in one run:
 * <ul>
 * <li>Postfix (a private instance on a free loopback port, its own queue under the test's temporary directory, fsync
 * per message as by default), when {@code /usr/sbin/postfix} exists (running it needs root);</li>
 * <li>stock James 3.8.1 (its memory queue), from James's own jars;</li>
 * <li>the Postbridge server (durable spool).</li>
 * </ul>
 * Each for: accept only (mail dropped after the spool; Postfix: {@code default_transport = discard}), and relay to a
 * local {@code smtp-sink} (the rate until the sink has every message). Prints the rates and the ratios. The SMTP AUTH
 * + STARTTLS variant is {@link ApiDeliveryBench}. Sizes: {@code -Dbench.messages=8000 -Dbench.sessions=20}.
 */
class SpoolThroughputBench {
    private static final int MESSAGES = Integer.getInteger("bench.messages", 8000);
    private static final int SESSIONS = Integer.getInteger("bench.sessions", 20);
    private static final int SIZE = 2048;
    private static final String SENDER = "app@example.com";
    private static final String RECIPIENT = "dest@remote.test";
    private static final Pattern SINK_COUNT = Pattern.compile("mesg=(\\d+)");

    @TempDir
    Path tmp;

    @Test
    void run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Spool benchmark: smtp-source, %d sessions, %d messages of %d bytes, trusted network, %d cores, load %s",
            SESSIONS, MESSAGES, SIZE, Runtime.getRuntime().availableProcessors(), loadAverage()));
        boolean postfix = Files.isExecutable(Path.of("/usr/sbin/postfix")) && Files.isExecutable(Path.of("/usr/sbin/smtp-source"));
        Rate postfixAccept = postfix ? postfix(false) : null;
        Rate stockAccept = james("stock-accept", true, false);
        Rate postbridgeAccept = james("postbridge-accept", false, false);
        Rate postfixRelay = postfix ? postfix(true) : null;
        Rate stockRelay = james("stock-relay", true, true);
        Rate postbridgeRelay = james("postbridge-relay", false, true);

        report.add(line("Postfix, accept only (discard)", postfixAccept));
        report.add(line("stock James 3.8.1, memory queue, dropped after the spool", stockAccept));
        report.add(line("Postbridge server, durable spool, dropped after the spool", postbridgeAccept));
        report.add(line("Postfix, relay to smtp-sink", postfixRelay));
        report.add(line("stock James 3.8.1, memory queue, RemoteDelivery to smtp-sink", stockRelay));
        report.add(line("Postbridge server, durable spool, SmtpDelivery to smtp-sink", postbridgeRelay));
        report.add(String.format(Locale.ROOT, "ratios, accept: Postbridge / Postfix %s, Postbridge / stock James %.2f",
            ratio(postbridgeAccept, postfixAccept, false), postbridgeAccept.accepted / stockAccept.accepted));
        report.add(String.format(Locale.ROOT, "ratios, relay end to end: Postbridge / Postfix %s, Postbridge / stock James %.2f",
            ratio(postbridgeRelay, postfixRelay, true), postbridgeRelay.endToEnd / stockRelay.endToEnd));
        report.add("load average after the run: " + loadAverage());
        report.forEach(System.out::println);
        Files.write(Path.of("target/spool-bench-results.txt"), report);
    }

    private static final class Rate {
        final double accepted;
        final double endToEnd;

        Rate(double accepted, double endToEnd) {
            this.accepted = accepted;
            this.endToEnd = endToEnd;
        }
    }

    private static String line(String label, Rate rate) {
        if (rate == null) {
            return String.format(Locale.ROOT, "%-62s (not installed)", label);
        }
        return String.format(Locale.ROOT, "%-62s accepted %7.1f msg/s%s", label, rate.accepted,
            rate.endToEnd > 0 ? String.format(Locale.ROOT, ", end to end %7.1f msg/s", rate.endToEnd) : "");
    }

    private static String ratio(Rate ours, Rate postfix, boolean endToEnd) {
        if (postfix == null) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", endToEnd ? ours.endToEnd / postfix.endToEnd : ours.accepted / postfix.accepted);
    }

    // ------------------------------------------------------------------ the systems

    private Rate james(String name, boolean stock, boolean relay) throws Exception {
        Ports ports = new Ports();
        Path home = tmp.resolve(name);
        try (Sink sink = relay ? Sink.start() : null;
             ServerProcess server = stock ? stockJamesServer(home) : ServerProcess.postbridge(home)) {
            ConfFolder conf = ports.applyTo(stock ? ConfFolder.at(home.resolve("conf")) : server.conf());
            conf.relayThrough(relay ? sink.hostAndPort() : "127.0.0.1:9", "1 second");
            if (stock) {
                StockJamesConf.stripPostbridge(conf);
                conf.xml("smtpserver.xml", doc -> {
                    NodeList servers = ConfFolder.select(doc, "//smtpserver");
                    for (int i = 0; i < servers.getLength(); i++) {
                        ConfFolder.appendChild((Element) servers.item(i), "authorizedAddresses", "127.0.0.0/8");
                    }
                });
            } else {
                conf.property("postbridge.properties", "rateLimit.messagesPerMinute", "100000000")
                    .property("postbridge.properties", "rateLimit.recipientsPerDay", "100000000");
            }
            if (!relay) {
                dropAfterTheSpool(conf);
            }
            if (stock) {
                server.start().awaitJamesStarted();
            } else {
                server.start().awaitLog(ServerProcess.READY);
            }
            if (!stock) {
                WebAdmin webAdmin = ports.webAdmin();
                webAdmin.put("/postbridge/accounts/bench", "{\"messagesPerMinute\":100000000,\"recipientsPerDay\":100000000}");
                webAdmin.put("/postbridge/accounts/bench/senders/" + SENDER, "");
                webAdmin.put("/postbridge/accounts/bench/networks/127.0.0.0%2F8", "");
            }
            return measure(ports.inbound, sink);
        }
    }

    private Rate postfix(boolean relay) throws Exception {
        try (Sink sink = relay ? Sink.start() : null; Postfix postfix = Postfix.start(tmp.resolve(relay ? "postfix-relay" : "postfix-accept"),
            relay ? sink.hostAndPort() : null)) {
            return measure(postfix.port, sink);
        }
    }

    private static Rate measure(int port, Sink sink) throws Exception {
        smtpSource(port, 200); // warm-up: JIT, pools, connections to the sink
        if (sink != null) {
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> sink.count() >= 200);
        }
        int before = sink == null ? 0 : sink.count();
        long start = System.nanoTime();
        smtpSource(port, MESSAGES);
        double accepted = MESSAGES / ((System.nanoTime() - start) / 1e9);
        double endToEnd = 0;
        if (sink != null) {
            Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> sink.count() - before >= MESSAGES);
            endToEnd = MESSAGES / ((System.nanoTime() - start) / 1e9);
        }
        return new Rate(accepted, endToEnd);
    }

    private static void smtpSource(int port, int messages) throws Exception {
        Process process = new ProcessBuilder("smtp-source", "-s", String.valueOf(SESSIONS), "-m", String.valueOf(messages),
            "-l", String.valueOf(SIZE), "-f", SENDER, "-t", RECIPIENT, "127.0.0.1:" + port)
            .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || output.contains("fatal")) {
            throw new IllegalStateException("smtp-source failed: " + output);
        }
    }

    private static void dropAfterTheSpool(ConfFolder conf) {
        conf.xml("mailetcontainer.xml", doc -> {
            Element root = (Element) ConfFolder.select(doc, "//processor[@state='root']").item(0);
            Element drop = doc.createElement("mailet");
            drop.setAttribute("match", "All");
            drop.setAttribute("class", "Null");
            root.insertBefore(drop, root.getFirstChild());
        });
    }

    private static ServerProcess stockJamesServer(Path home) throws Exception {
        ConfFolder.copyOf(ServerProcess.assembledServer().resolve("conf"), home.resolve("conf"));
        Files.createDirectories(home.resolve("extensions-jars"));
        return ServerProcess.stockJames(home);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Postfix's smtp-sink on a free loopback port, counting what it receives. */
    private static final class Sink implements AutoCloseable {
        private final Process process;
        private final int port;
        private final AtomicInteger count = new AtomicInteger();

        private Sink(Process process, int port) {
            this.process = process;
            this.port = port;
            Thread reader = new Thread(this::read, "smtp-sink-counter");
            reader.setDaemon(true);
            reader.start();
        }

        static Sink start() throws Exception {
            int port = FakeMx.freePort();
            Process process = new ProcessBuilder("smtp-sink", "-u", "nobody", "-c", "127.0.0.1:" + port, "512")
                .redirectErrorStream(true).start();
            Thread.sleep(300);
            return new Sink(process, port);
        }

        String hostAndPort() {
            return "127.0.0.1:" + port;
        }

        int count() {
            return count.get();
        }

        private void read() {
            try (InputStream in = process.getInputStream()) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = in.read()) >= 0) {
                    if (c == '\r' || c == '\n') {
                        Matcher m = SINK_COUNT.matcher(line);
                        if (m.find()) {
                            count.set(Integer.parseInt(m.group(1)));
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                // the sink was stopped
            }
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    /**
     * A private Postfix instance: its own main.cf/master.cf and queue under {@code dir}, smtpd on a free loopback port,
     * mynetworks 127.0.0.0/8, and either discard (accept only) or a relayhost. The instance's configuration directory
     * must be allowed by {@code alternate_config_directories} in the system's main.cf, which this adds if needed.
     */
    private static final class Postfix implements AutoCloseable {
        private final Path conf;
        final int port;

        private final Process master;

        private Postfix(Path conf, int port, Process master) {
            this.conf = conf;
            this.port = port;
            this.master = master;
        }

        static Postfix start(Path dir, String relayHost) throws Exception {
            Path conf = dir.resolve("conf");
            Path queue = dir.resolve("queue");
            Files.createDirectories(conf);
            Files.createDirectories(dir.resolve("data"));
            // JUnit's temporary directory is private (700); Postfix's daemons run as user postfix and chdir into it
            run("chmod", "o+x", dir.getParent().toString());
            Files.copy(Path.of("/etc/postfix/master.cf"), conf.resolve("master.cf"));
            int port = FakeMx.freePort();
            Files.writeString(conf.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + dir.resolve("data"),
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "myhostname = bench.local",
                "mydestination =",
                "alias_maps =",
                "alias_database =",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                "maillog_file = /dev/stdout",
                "smtp_dns_support_level = disabled",
                relayHost == null ? "default_transport = discard" : "relayhost = [" + relayHost.replace(":", "]:"),
                ""));
            run("postconf", "-c", conf.toString(), "-MX", "smtp/inet");
            run("postconf", "-c", conf.toString(), "-M", "127.0.0.1:" + port + "/inet=127.0.0.1:" + port + " inet n - n - - smtpd");
            run("postconf", "-c", conf.toString(), "-F", "*/*/chroot = n");
            String alternates = run("postconf", "-h", "alternate_config_directories").trim();
            if (!alternates.contains(conf.toString())) {
                run("postconf", "-e", "alternate_config_directories = " + (alternates.isEmpty() ? "" : alternates + ", ") + conf);
            }
            createQueue(queue);
            run("chown", "postfix", dir.resolve("data").toString());
            // in the foreground (it logs to its stdout, into dir/maillog): without syslog, "postfix start" exits quietly
            Process master = new ProcessBuilder("/usr/sbin/postfix", "-c", conf.toString(), "start-fg")
                .redirectErrorStream(true).redirectOutput(dir.resolve("maillog").toFile()).start();
            Postfix postfix = new Postfix(conf, port, master);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> listening(port));
            return postfix;
        }

        private static boolean listening(int port) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static void createQueue(Path queue) throws Exception {
            Files.createDirectories(queue.resolve("pid"));
            for (String d : List.of("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace")) {
                Files.createDirectories(queue.resolve(d));
                run("chown", "postfix:root", queue.resolve(d).toString());
                run("chmod", "700", queue.resolve(d).toString());
            }
            for (String d : List.of("maildrop", "public")) {
                Files.createDirectories(queue.resolve(d));
                run("chown", "postfix:postdrop", queue.resolve(d).toString());
            }
            run("chmod", "730", queue.resolve("maildrop").toString());
            run("chmod", "710", queue.resolve("public").toString());
        }

        private static String run(String... command) throws Exception {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        }

        @Override
        public void close() throws Exception {
            run("/usr/sbin/postfix", "-c", conf.toString(), "stop");
            master.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
