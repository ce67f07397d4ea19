package io.postbridge.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.dkim.DkimTestKeys;
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
 * + STARTTLS variant is {@link ApiDeliveryBench}. Sizes: {@code -Dbench.messages=8000 -Dbench.sessions=20}
 * ({@code -Dbench.dkimOnly=true} runs only the dual DKIM variants below).
 * <p>
 * Then relay with dual DKIM signing (issue 15): the sender's domain signed with one RSA-2048 and one Ed25519 key, by
 * the Postbridge server ({@code <key>} lines of its DkimSign mailet, {@link DkimTestKeys}) and by Postfix with
 * Debian's OpenDKIM as milter (needs {@code apt-get install opendkim}; {@link OpenDkimMilter}), with the same keys.
 * For these two the sink also dumps what it receives (on tmpfs, {@code smtp-sink -D}); every message is checked for the
 * two signatures and the first one is verified with the three DKIM verifiers of the DKIM tests when they are installed.
 */
class SpoolThroughputBench {
    private static final int MESSAGES = Integer.getInteger("bench.messages", 8000);
    private static final int SESSIONS = Integer.getInteger("bench.sessions", 20);
    private static final int SIZE = 2048;
    private static final String SENDER = "app@example.com";
    private static final String RECIPIENT = "dest@remote.test";
    private static final Pattern SINK_COUNT = Pattern.compile("mesg=(\\d+)");
    private static final String SIGNING_DOMAIN = SENDER.substring(SENDER.indexOf('@') + 1);
    private static final Pattern DKIM_TAG = Pattern.compile("(?:^|;)\\s*([a-z]+)\\s*=\\s*([^;]*)");

    /** {@code -Dbench.dkimOnly=true}: only the two dual DKIM variants (trying them out). */
    private static final boolean DKIM_ONLY = Boolean.getBoolean("bench.dkimOnly");

    /**
     * {@code -Dbench.only=postfix-accept,stock-accept,postbridge-accept}: only these of the six undecorated variants
     * (names as in {@link #james}: postfix-, stock-, postbridge- with accept or relay; a Postbridge name ending in
     * {@code -noevents} runs with {@code events.enabled=false}), skipping the dual DKIM ones; for profiling one path.
     * Empty: all.
     */
    private static final List<String> ONLY = System.getProperty("bench.only", "").isBlank() ? List.of()
        : List.of(System.getProperty("bench.only").split(","));

    /** {@code -Dbench.serverJavaOpts=...}: JVM options of the Postbridge server (default -Xmx512m), e.g. a flight recording. */
    private static final String SERVER_JAVA_OPTS = System.getProperty("bench.serverJavaOpts", "-Xmx512m");

    /** The relay figures without signing (null with bench.dkimOnly), for "with / without signing". */
    private Rate postfixRelay;
    private Rate postbridgeRelay;
    /** The dual DKIM checks, one line per side; a failed one fails the benchmark once the report is written. */
    private final List<String> dkimChecks = new ArrayList<>();
    private boolean dkimCheckFailed;

    @TempDir
    Path tmp;

    @Test
    void run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Spool benchmark: smtp-source, %d sessions, %d messages of %d bytes, trusted network, %d cores, load %s",
            SESSIONS, MESSAGES, SIZE, Runtime.getRuntime().availableProcessors(), loadAverage()));
        boolean postfix = Files.isExecutable(Path.of("/usr/sbin/postfix")) && Files.isExecutable(Path.of("/usr/sbin/smtp-source"));
        if (!ONLY.isEmpty()) {
            for (String variant : ONLY) {
                if (!variant.matches("(postfix|stock|postbridge)-(accept|relay)|postbridge-(accept|relay)-noevents")) {
                    throw new IllegalArgumentException("-Dbench.only: unknown variant '" + variant + "'; expected postfix-accept,"
                        + " postfix-relay, stock-accept, stock-relay, postbridge-accept, postbridge-relay (with -noevents)");
                }
                boolean relay = variant.contains("-relay");
                Rate rate = variant.startsWith("postfix-") ? postfix(relay) : james(variant, variant.startsWith("stock-"), relay);
                report.add(line(variant, rate));
            }
            report.add("load average after the run: " + loadAverage());
            report.forEach(System.out::println);
            Files.write(Path.of("target/spool-bench-results.txt"), report);
            return;
        }
        if (!DKIM_ONLY) {
            Rate postfixAccept = postfix ? postfix(false) : null;
            Rate stockAccept = james("stock-accept", true, false);
            Rate postbridgeAccept = james("postbridge-accept", false, false);
            postfixRelay = postfix ? postfix(true) : null;
            Rate stockRelay = james("stock-relay", true, true);
            postbridgeRelay = james("postbridge-relay", false, true);

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
        }

        DkimTestKeys keys = new DkimTestKeys(SIGNING_DOMAIN);
        Rate postbridgeDkim = james("postbridge-relay-dkim", false, true, keys);
        boolean opendkim = postfix && Files.isExecutable(OpenDkimMilter.BINARY);
        // the same two keys: the PEM files DkimTestKeys wrote into that Postbridge server's conf/dkim/
        Rate postfixDkim = opendkim ? postfixOpenDkim(tmp.resolve("postbridge-relay-dkim/conf/dkim"), keys) : null;
        report.add(line("Postbridge server, SmtpDelivery to smtp-sink, dual DKIM", postbridgeDkim));
        report.add(opendkim ? line("Postfix + OpenDKIM milters, relay to smtp-sink, dual DKIM", postfixDkim)
            : String.format(Locale.ROOT, "%-62s (skipped: %s not installed)", "Postfix + OpenDKIM milters, relay to smtp-sink, dual DKIM",
                postfix ? OpenDkimMilter.BINARY : "Postfix"));
        report.add(String.format(Locale.ROOT, "ratio, relay end to end with dual DKIM (RSA-2048 + Ed25519): Postbridge / Postfix + OpenDKIM %s"
            + " (with / without signing: Postbridge %s, Postfix %s)", ratio(postbridgeDkim, postfixDkim, true),
            endToEndRatio(postbridgeDkim, postbridgeRelay), endToEndRatio(postfixDkim, postfixRelay)));
        report.addAll(dkimChecks);
        report.add("load average after the run: " + loadAverage());
        report.forEach(System.out::println);
        Files.write(Path.of("target/spool-bench-results.txt"), report);
        if (dkimCheckFailed) {
            throw new AssertionError("a dual DKIM variant did not sign every message twice (see the dual DKIM lines above)");
        }
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

    private static String endToEndRatio(Rate a, Rate b) {
        return a == null || b == null ? "n/a" : String.format(Locale.ROOT, "%.2f", a.endToEnd / b.endToEnd);
    }

    private static String ratio(Rate ours, Rate postfix, boolean endToEnd) {
        if (postfix == null) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f", endToEnd ? ours.endToEnd / postfix.endToEnd : ours.accepted / postfix.accepted);
    }

    // ------------------------------------------------------------------ the systems

    private Rate james(String name, boolean stock, boolean relay) throws Exception {
        return james(name, stock, relay, null);
    }

    /** With {@code dkim}: the Postbridge relay with both keys on its DkimSign mailet, the sink keeping what it got. */
    private Rate james(String name, boolean stock, boolean relay, DkimTestKeys dkim) throws Exception {
        Ports ports = new Ports();
        Path home = tmp.resolve(name);
        for (int run = 2; Files.exists(home); run++) {
            home = tmp.resolve(name + "-" + run); // a variant repeated with -Dbench.only
        }
        try (Sink sink = relay ? (dkim != null ? Sink.startDumping() : Sink.start()) : null;
             ServerProcess server = stock ? stockJamesServer(home) : ServerProcess.postbridge(home).javaOpts(SERVER_JAVA_OPTS)) {
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
                if (name.endsWith("-noevents")) {
                    conf.property("postbridge.properties", "events.enabled", "false"); // what the event log costs
                }
            }
            if (!relay) {
                dropAfterTheSpool(conf);
            }
            if (dkim != null) {
                dkim.install(conf);
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
            Rate rate = measure(ports.inbound, sink);
            if (dkim != null) {
                checkDualSignatures("Postbridge", sink, dkim);
            }
            if (!stock && SERVER_JAVA_OPTS.contains("FlightRecording")) {
                server.stop(); // SIGTERM, so the recording is written (dumponexit)
            }
            return rate;
        }
    }

    private Rate postfix(boolean relay) throws Exception {
        try (Sink sink = relay ? Sink.start() : null; Postfix postfix = Postfix.start(tmp.resolve(relay ? "postfix-relay" : "postfix-accept"),
            relay ? sink.hostAndPort() : null)) {
            return measure(postfix.port, sink);
        }
    }

    /**
     * Postfix relaying to the sink through two OpenDKIM milters with the Postbridge run's two keys. Debian 12's
     * OpenDKIM 2.11.0~beta2 signs with one algorithm per process ({@code SignatureAlgorithm}; the KeyTable's
     * per-key algorithm came later), so one instance signs rsa-sha256 and a second one ed25519-sha256, in sequence.
     */
    private Rate postfixOpenDkim(Path keyDir, DkimTestKeys keys) throws Exception {
        Path dir = tmp.resolve("postfix-relay-dkim");
        try (Sink sink = Sink.startDumping();
             OpenDkimMilter rsa = OpenDkimMilter.start(dir.resolve("opendkim-rsa"), "rsa-sha256", SIGNING_DOMAIN, "t-rsa", keyDir.resolve("rsa.pem"));
             OpenDkimMilter ed = OpenDkimMilter.start(dir.resolve("opendkim-ed25519"), "ed25519-sha256", SIGNING_DOMAIN, "t-ed", keyDir.resolve("ed.pem"));
             Postfix postfix = Postfix.start(dir, sink.hostAndPort(), List.of(
                 "smtpd_milters = " + rsa.socket() + ", " + ed.socket(),
                 "milter_default_action = tempfail"))) {
            Rate rate = measure(postfix.port, sink);
            checkDualSignatures("Postfix + OpenDKIM", sink, keys);
            return rate;
        }
    }

    /**
     * Every message the sink got carries exactly two DKIM-Signature fields of the sender's domain, one a=rsa-sha256
     * and one a=ed25519-sha256; the first one also verifies (dkimpy, OpenDKIM, Mail::DKIM) when they are installed.
     */
    private void checkDualSignatures(String side, Sink sink, DkimTestKeys keys) throws Exception {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sink.dumped().messages >= sink.count());
        Dump dump = sink.dumped();
        String verdict;
        try {
            ExternalDkimVerifiers.assumeInstalled();
            Path dir = Files.createDirectories(tmp.resolve("dkim-check-" + side.replaceAll("[^A-Za-z]", "")));
            ExternalDkimVerifiers.Verdict result = ExternalDkimVerifiers.verifyAll(keys.keyFile(dir), dump.first, dir);
            verdict = result.passed() ? "verifies (verify-all.sh PASS: dkimpy and OpenDKIM both signatures, Mail::DKIM the RSA one)"
                : "does NOT verify: " + result;
            dkimCheckFailed |= !result.passed();
        } catch (RuntimeException | AssertionError e) {
            verdict = "not verified (" + e.getMessage() + ")";
        }
        boolean all = dump.messages > 0 && dump.dual == dump.messages;
        dkimCheckFailed |= !all;
        dkimChecks.add(String.format(Locale.ROOT, "dual DKIM check, %s: %d of %d messages at the sink with 2 DKIM-Signature fields"
            + " (a=rsa-sha256 s=t-rsa, a=ed25519-sha256 s=t-ed, d=%s)%s; the first %s", side, dump.dual, dump.messages,
            SIGNING_DOMAIN, all ? "" : " FAILED, first without: " + dump.firstProblem, verdict));
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

    /** What a dumping sink received: messages, those signed twice as expected, and the first one (CRLF). */
    private static final class Dump {
        int messages;
        int dual;
        String firstProblem;
        byte[] first;
    }

    /**
     * Postfix's smtp-sink on a free loopback port, counting what it receives; {@link #startDumping()} also appends
     * every message to one file on tmpfs ({@code -D}: a copy per message in memory, the same for both DKIM sides).
     */
    private static final class Sink implements AutoCloseable {
        private final Process process;
        private final int port;
        private final Path dumpDir;
        private final AtomicInteger count = new AtomicInteger();

        private Sink(Process process, int port, Path dumpDir) {
            this.process = process;
            this.port = port;
            this.dumpDir = dumpDir;
            Thread reader = new Thread(this::read, "smtp-sink-counter");
            reader.setDaemon(true);
            reader.start();
        }

        static Sink start() throws Exception {
            return start(null);
        }

        static Sink startDumping() throws Exception {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "spool-bench-sink-")
                : Files.createTempDirectory("spool-bench-sink-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // smtp-sink runs as nobody
            return start(dir);
        }

        /** smtp-sink on a free port, dumping into {@code dumpDir} unless it is null; returns once it listens. */
        private static Sink start(Path dumpDir) throws Exception {
            int port = FakeMx.freePort();
            List<String> command = new ArrayList<>(List.of("smtp-sink", "-u", "nobody", "-c"));
            if (dumpDir != null) {
                command.addAll(List.of("-D", dumpDir.resolve("dump").toString()));
            }
            command.addAll(List.of("127.0.0.1:" + port, "512"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> OpenDkimMilter.listening(port));
            return new Sink(process, port, dumpDir);
        }

        /**
         * Reads the dump: smtp-sink writes each message (without CRs) after its own records (X-Client-Addr, ...,
         * X-Rcpt-Args) and a Received field of its own, followed by an empty line.
         */
        Dump dumped() throws IOException {
            Dump dump = new Dump();
            Path file = dumpDir.resolve("dump");
            if (!Files.exists(file)) {
                return dump;
            }
            List<String> header = new ArrayList<>();
            StringBuilder first = null;
            boolean inHeader = false;
            try (var lines = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("X-Client-Addr: ")) {
                        finish(dump, header);
                        dump.messages++;
                        inHeader = true;
                        if (dump.messages == 1) {
                            first = new StringBuilder();
                        } else if (dump.messages == 2) {
                            dump.first = first.toString().getBytes(StandardCharsets.ISO_8859_1);
                        }
                        continue;
                    }
                    if (inHeader && line.isEmpty()) {
                        inHeader = false;
                    } else if (inHeader) {
                        header.add(line);
                    }
                    if (dump.messages == 1 && !line.matches("X-(Client-Proto|Helo-Args|Mail-Args|Rcpt-Args): .*")) {
                        first.append(line).append("\r\n");
                    }
                }
            }
            finish(dump, header);
            if (dump.messages == 1) {
                dump.first = first.toString().getBytes(StandardCharsets.ISO_8859_1);
            }
            return dump;
        }

        private static void finish(Dump dump, List<String> header) {
            if (dump.messages == 0) {
                return;
            }
            List<String> signatures = new ArrayList<>();
            boolean inSignature = false;
            for (String line : header) {
                if (line.startsWith(" ") || line.startsWith("\t")) {
                    if (inSignature) {
                        signatures.set(signatures.size() - 1, signatures.get(signatures.size() - 1) + line);
                    }
                } else {
                    inSignature = line.regionMatches(true, 0, "DKIM-Signature:", 0, 15);
                    if (inSignature) {
                        signatures.add(line.substring(15));
                    }
                }
            }
            header.clear();
            Set<String> found = new HashSet<>();
            for (String signature : signatures) {
                String algorithm = null;
                String domain = null;
                Matcher tag = DKIM_TAG.matcher(signature.replaceAll("\\s+", ""));
                while (tag.find()) {
                    if (tag.group(1).equals("a")) {
                        algorithm = tag.group(2);
                    } else if (tag.group(1).equals("d")) {
                        domain = tag.group(2);
                    }
                }
                if (SIGNING_DOMAIN.equalsIgnoreCase(domain)) {
                    found.add(algorithm);
                }
            }
            if (signatures.size() == 2 && found.equals(Set.of("rsa-sha256", "ed25519-sha256"))) {
                dump.dual++;
            } else if (dump.firstProblem == null) {
                dump.firstProblem = "message " + dump.messages + ": " + signatures.size() + " DKIM-Signature field(s), " + found;
            }
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
        public void close() throws Exception {
            process.destroy();
            if (dumpDir != null) {
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                try (var files = Files.walk(dumpDir)) {
                    for (Path path : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(path);
                    }
                }
            }
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
            return start(dir, relayHost, List.of());
        }

        /** {@code extraMainCf}: more main.cf lines (the milters). */
        static Postfix start(Path dir, String relayHost, List<String> extraMainCf) throws Exception {
            Path conf = dir.resolve("conf");
            Path queue = dir.resolve("queue");
            Files.createDirectories(conf);
            Files.createDirectories(dir.resolve("data"));
            // JUnit's temporary directory is private (700); Postfix's daemons run as user postfix and chdir into it
            run("chmod", "o+x", dir.getParent().toString());
            Files.copy(Path.of("/etc/postfix/master.cf"), conf.resolve("master.cf"));
            int port = FakeMx.freePort();
            List<String> mainCf = new ArrayList<>(List.of(
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
                relayHost == null ? "default_transport = discard" : "relayhost = [" + relayHost.replace(":", "]:")));
            mainCf.addAll(extraMainCf);
            mainCf.add("");
            Files.writeString(conf.resolve("main.cf"), String.join("\n", mainCf));
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
