package io.postbridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.Accounts;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Benchmark, not a test ({@code mvn -B -Pbench verify -pl james-distribution -am -Dit.test=EventLogBench}; no timing
 * assertions). The assembled server (durable spool) relays to a local sink (FakeMx) through SmtpDelivery; N SMTP
 * connections (STARTTLS + AUTH, many messages each) send the same ~1 KB message. Three phases, side by side in one
 * run, each after a warm-up:
 * <ol>
 * <li><b>events on</b>, no webhook endpoint (the default server);</li>
 * <li><b>events on, a dead webhook endpoint</b> subscribed to every event type: it accepts connections and never
 * answers, so every delivery waits for the webhook timeout (issue 16: "a dead endpoint under load does not change
 * relay throughput");</li>
 * <li><b>events off</b> ({@code events.enabled=false}, a second server): what the event log costs (issue 14: at most
 * 5 % of accept throughput).</li>
 * </ol>
 * For each: accepted msg/s (until the last 250) and relayed msg/s (until the sink holds every message). Sizes:
 * {@code -Dbench.messages=1000 -Dbench.connections=8}. The figures go to {@code target/bench-eventlog-results.txt}.
 */
class EventLogBench {
    private static final int MESSAGES = Integer.getInteger("bench.messages", 1000);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 8);
    private static final String BODY = "x".repeat(900);

    @TempDir
    Path tmp;

    private static final class Figures {
        final double accepted;
        final double relayed;

        Figures(double accepted, double relayed) {
            this.accepted = accepted;
            this.relayed = relayed;
        }
    }

    @Test
    void run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Postbridge event log / webhook benchmark: %d messages of ~1 KB per phase, %d SMTP connections,"
            + " %d cores", MESSAGES, CONNECTIONS, Runtime.getRuntime().availableProcessors()));
        Figures on;
        Figures deadEndpoint;
        Figures off;
        String loadOn;
        String loadDead;
        String loadOff;
        try (ServerSocket dead = new ServerSocket(0, 500, InetAddress.getLoopbackAddress())) {
            Thread swallow = swallowConnections(dead);
            FakeMx mx = new FakeMx();
            mx.start();
            try (BenchServer server = server("events-on", mx, true)) {
                WebAdmin webAdmin = server.webAdmin;
                String key = server.key;
                relay(server, mx, key, 100, "warm-on");
                on = relay(server, mx, key, MESSAGES, "on");
                loadOn = load();
                String created = webAdmin.post("/postbridge/webhooks", "{\"url\":\"http://127.0.0.1:" + dead.getLocalPort() + "/hooks\"}").body();
                if (!created.contains("whsec_")) {
                    throw new IllegalStateException("endpoint not created: " + created);
                }
                relay(server, mx, key, 100, "warm-dead");
                deadEndpoint = relay(server, mx, key, MESSAGES, "dead");
                loadDead = load();
            } finally {
                mx.stop();
            }
            swallow.interrupt();
        }
        FakeMx mx = new FakeMx();
        mx.start();
        try (BenchServer server = server("events-off", mx, false)) {
            relay(server, mx, server.key, 100, "warm-off");
            off = relay(server, mx, server.key, MESSAGES, "off");
            loadOff = load();
        } finally {
            mx.stop();
        }
        report.add(line("events on, no webhook endpoint", on, loadOn));
        report.add(line("events on, a dead webhook endpoint", deadEndpoint, loadDead));
        report.add(line("events off (events.enabled=false)", off, loadOff));
        report.add(String.format(Locale.ROOT, "event log cost: accepted on/off = %.3f, relayed on/off = %.3f", on.accepted / off.accepted,
            on.relayed / off.relayed));
        report.add(String.format(Locale.ROOT, "dead endpoint: accepted dead/none = %.3f, relayed dead/none = %.3f",
            deadEndpoint.accepted / on.accepted, deadEndpoint.relayed / on.relayed));
        report.forEach(System.out::println);
        Files.write(Path.of("target/bench-eventlog-results.txt"), report);
    }

    private static String line(String what, Figures figures, String load) {
        return String.format(Locale.ROOT, "%-36s accepted %8.1f msg/s   relayed %8.1f msg/s   (load average %s)", what + ":",
            figures.accepted, figures.relayed, load);
    }

    private static String load() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** A webhook receiver that is up but never answers: connections are accepted, kept open and never read. */
    private static Thread swallowConnections(ServerSocket socket) {
        List<Socket> held = new ArrayList<>();
        Thread thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    held.add(socket.accept());
                } catch (IOException e) {
                    return;
                }
            }
        }, "dead-webhook-endpoint");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static final class BenchServer implements AutoCloseable {
        final ServerProcess process;
        final WebAdmin webAdmin;
        final String key;
        final Ports ports;

        BenchServer(ServerProcess process, Ports ports, WebAdmin webAdmin, String key) {
            this.process = process;
            this.ports = ports;
            this.webAdmin = webAdmin;
            this.key = key;
        }

        @Override
        public void close() throws InterruptedException {
            process.close();
        }
    }

    private BenchServer server(String name, FakeMx mx, boolean events) throws Exception {
        Ports ports = new Ports();
        ServerProcess server = ServerProcess.postbridge(tmp.resolve(name));
        ConfFolder conf = ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second");
        conf.property("postbridge.properties", "events.enabled", Boolean.toString(events))
            .property("postbridge.properties", "webhooks.allowedTargets", "127.0.0.1/32");
        try {
            server.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();
            Accounts accounts = new Accounts(webAdmin);
            accounts.create("bench").allowSender("bench", "@example.com")
                .limits("bench", "{\"messagesPerMinute\": 100000000, \"recipientsPerDay\": 100000000}");
            return new BenchServer(server, ports, webAdmin, accounts.issueKey("bench").key);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** Sends {@code messages} over {@link #CONNECTIONS} connections; accepted and relayed msg/s. */
    private static Figures relay(BenchServer server, FakeMx mx, String key, int messages, String tag) throws Exception {
        int before = mx.messages().size();
        int perConnection = messages / CONNECTIONS;
        int total = perConnection * CONNECTIONS;
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                futures.add(pool.submit(() -> {
                    smtp(server.ports.submission, key, perConnection, tag + "-" + connection);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long accepted = System.nanoTime() - start;
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> mx.messages().size() >= before + total);
        long relayed = System.nanoTime() - start;
        return new Figures(total / (accepted / 1e9), total / (relayed / 1e9));
    }

    private static void smtp(int port, String key, int messages, String tag) throws Exception {
        String domain = tag.substring(0, tag.lastIndexOf('-'));
        try (SmtpClient smtp = SmtpClient.connect(port)) {
            smtp.ehlo();
            smtp.startTls();
            if (!smtp.authPlain("bench", key).startsWith("235")) {
                throw new IllegalStateException("AUTH refused");
            }
            for (int i = 0; i < messages; i++) {
                String reply = smtp.send("bench@example.com", "sink@remote.test",
                    SmtpClient.message("bench@example.com", "sink@remote.test", "bench", tag + "-" + i + "@" + domain + ".bench", BODY));
                if (!reply.startsWith("250")) {
                    throw new IllegalStateException(reply);
                }
            }
        }
    }
}
