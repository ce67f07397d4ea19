package io.postbridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Benchmark, not a test (bench profile; issue 14: "memory stays bounded under a 100,000-message burst"). Starts the
 * assembled server with a 512 MB heap, sends a burst of mail over SMTP AUTH + STARTTLS for Gmail accounts whose
 * API is unavailable, so that every accepted mail stays in the durable queues, and reports the server JVM's heap:
 * the live heap (after a full GC) before the burst and with the whole burst queued, their difference per queued
 * mail, the high-water mark of the heap in use (from the GC log: the most in use before any collection) and the
 * queue depths. Nothing per queued mail should stay on the heap: the queues keep mail in KahaDB, not in memory.
 * <ul>
 * <li>{@code -Dbench.burst.messages=100000} (default 20,000), {@code -Dbench.burst.connections=20};</li>
 * <li>{@code -Dbench.burst.destination=throttled} (default): Gmail answers 429 with Retry-After one hour, so each
 * mail is tried once and waits in the broker's scheduler (delayed mail); {@code hung}: Gmail never answers, so
 * {@code <concurrency>} mails hang in delivery and the rest waits, ready, in the {@code postbridge-api} queue.</li>
 * </ul>
 * Also writes the class histogram of the live heap with the burst queued to
 * {@code target/bench-burst-burst-histogram.txt}, to name whatever grows. {@code -Dbench.burst.compare=true} runs the
 * burst first with ActiveMQ's default memory limit (1 GB whatever the heap), as the server had it before.
 */
class MailBurstMemoryBench {
    private static final int MESSAGES = Integer.getInteger("bench.burst.messages", 20_000);
    private static final int CONNECTIONS = Integer.getInteger("bench.burst.connections", 20);
    private static final String DESTINATION = System.getProperty("bench.burst.destination", "throttled");
    private static final int ACCOUNTS = 10;
    private static final String CLIENT = "bench-client";
    private static final String SECRET = "bench-secret";
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** A unified GC log line's sizes: {@code 123M->45M(512M)}. */
    private static final Pattern GC_SIZES = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path tmp;

    @Test
    void run() throws Exception {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Postbridge memory under a mail burst: %d messages of ~1 KB over %d SMTP connections (AUTH +"
            + " STARTTLS), %d Gmail accounts, Gmail %s, server -Xmx512m, %d cores", MESSAGES, CONNECTIONS, ACCOUNTS,
            DESTINATION.equals("hung") ? "never answering (mail waits ready in postbridge-api)"
                : "answering 429 Retry-After 1 h (mail waits delayed in the scheduler)", Runtime.getRuntime().availableProcessors()));
        if (Boolean.getBoolean("bench.burst.compare")) {
            // the same burst first with ActiveMQ's own memory limit (1 GB whatever the heap), as before issue 14
            report.add("-- with ActiveMQ's default memory limit (-Dpostbridge.spool.memoryPercentOfHeap=0):");
            burst("before", "-Dpostbridge.spool.memoryPercentOfHeap=0", report);
            report.add("-- as the server runs (the broker's memory limit 20 % of the heap):");
        }
        burst("burst", "", report);
        report.forEach(System.out::println);
        Files.write(Path.of("target/bench-burst-results.txt"), report);
    }

    private void burst(String name, String javaOpts, List<String> report) throws Exception {
        try (FakeProviders fake = FakeProviders.start().googleClient(CLIENT, SECRET)) {
            Ports ports = new Ports();
            Path home = tmp.resolve(name);
            try (ServerProcess server = ServerProcess.postbridge(home)
                .javaOpts("-Xmx512m -Xlog:gc:file=" + home.resolve("var/log/gc.log") + ":uptime " + javaOpts)) {
                ConfFolder conf = ports.applyTo(server.conf());
                // a retry window longer than the run: nothing bounces, everything stays queued
                ApiDeliverySupport.pointAtFakes(conf, fake, "2 days");
                server.start().awaitLog(ServerProcess.READY);
                WebAdmin webAdmin = ports.webAdmin();
                for (int a = 0; a < ACCOUNTS; a++) {
                    String user = "acct" + a + "@example.com";
                    webAdmin.addUser(user, "pw" + a);
                    fake.googleUser("rt-" + a, user);
                    webAdmin.put("/postbridge/provider-accounts/" + user, "{\"provider\":\"gmail\",\"clientId\":\"" + CLIENT
                        + "\",\"clientSecret\":\"" + SECRET + "\",\"refreshToken\":\"rt-" + a + "\"}");
                }
                // warm-up, delivered: JIT, TLS, pools, token cache (not counted)
                try (SmtpClient smtp = ApiDeliveryBench.login(ports.submission, 0)) {
                    for (int i = 0; i < 50; i++) {
                        ApiDeliverySupport.transaction(smtp, "acct0@example.com", List.of("bob@remote.test"),
                            ApiDeliveryBench.message("warm-" + i, "acct0@example.com"));
                    }
                }
                Awaitility.await().atMost(Duration.ofMinutes(5)).until(() -> fake.delivered().size() >= 50);
                long liveBefore = liveHeapKb(server);

                if (DESTINATION.equals("hung")) {
                    fake.gmailSend.hang(2 * MESSAGES + 1000);
                } else {
                    fake.gmailSend.throttle(2 * MESSAGES + 1000, 3600);
                }
                long start = System.nanoTime();
                send(ports.submission, server, report);
                double acceptSeconds = (System.nanoTime() - start) / 1e9;
                // until the spooler has moved everything on, and (throttled) every mail had its one attempt
                String waitingQueue = "postbridge-api";
                // (the size of postbridge-api is not polled while mail is delayed: it reads the scheduler, see below)
                Awaitility.await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    queueSize(webAdmin, "spool") == 0 && (DESTINATION.equals("hung")
                        ? queueSize(webAdmin, waitingQueue) >= MESSAGES - 100 : fake.sendRequests() >= 50 + MESSAGES));
                long settledSeconds = Math.round((System.nanoTime() - start) / 1e9);
                long liveAfter = liveHeapKb(server);
                Files.write(Path.of("target/bench-burst-" + name + "-histogram.txt"), jcmd(server, "GC.class_histogram").lines()
                    .limit(40).collect(java.util.stream.Collectors.toList()));
                long[] gc = gcLog(home.resolve("var/log/gc.log"));
                // now the depths, and what asking for them costs (the size of a queue includes its delayed mail)
                long spool = queueSize(webAdmin, "spool");
                long waiting = queueSize(webAdmin, waitingQueue);
                long afterSizeKb = heapInUseKb(server);

                report.add(String.format(Locale.ROOT, "accepted %d in %.0f s (%.1f msg/s), all queued after %d s", MESSAGES, acceptSeconds,
                    MESSAGES / acceptSeconds, settledSeconds));
                report.add(String.format(Locale.ROOT, "queue depths (GET /mailQueues/NAME): spool %d, postbridge-api %d;"
                    + " heap in use right after asking: %,d KB", spool, waiting, afterSizeKb));
                report.add(String.format(Locale.ROOT, "live heap (after a full GC): before the burst %,d KB, with %d mails queued %,d KB:"
                    + " %+.0f bytes per queued mail", liveBefore, MESSAGES, liveAfter, (liveAfter - liveBefore) * 1024.0 / MESSAGES));
                report.add(String.format(Locale.ROOT, "heap high-water mark (GC log, in use before a collection): %d MB of %d MB;"
                    + " most still live after a collection: %d MB; %d collections", gc[0], gc[2], gc[1], gc[3]));
                report.add("class histogram with the burst queued: target/bench-burst-" + name + "-histogram.txt");
            }
        }
    }

    /** The burst: CONNECTIONS sessions, each its share of MESSAGES; progress every 10 % with the server's heap in use. */
    private void send(int port, ServerProcess server, List<String> report) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
        AtomicInteger sent = new AtomicInteger();
        AtomicLong maxSampledKb = new AtomicLong();
        java.util.concurrent.ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            try {
                long used = heapInUseKb(server);
                maxSampledKb.accumulateAndGet(used, Math::max);
            } catch (Exception e) {
                // the server is busy or gone: the next sample
            }
        }, 1, 5, TimeUnit.SECONDS);
        try {
            List<Future<?>> connections = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                connections.add(clients.submit(() -> {
                    int account = connection % ACCOUNTS;
                    String user = "acct" + account + "@example.com";
                    SmtpClient smtp = ApiDeliveryBench.login(port, account);
                    try {
                        for (int m = connection, inSession = 0; m < MESSAGES; m += CONNECTIONS, inSession++) {
                            if (inSession == 500) {
                                // a fresh session now and then, as real clients do (and James's per-session state stays small)
                                smtp.close();
                                smtp = ApiDeliveryBench.login(port, account);
                                inSession = 0;
                            }
                            String reply = ApiDeliverySupport.transaction(smtp, user, List.of("bob@remote.test"),
                                ApiDeliveryBench.message("burst" + m, user));
                            if (!reply.startsWith("250")) {
                                throw new IllegalStateException("message " + m + ": " + reply);
                            }
                            int done = sent.incrementAndGet();
                            if (done % Math.max(1, MESSAGES / 10) == 0) {
                                System.out.printf(Locale.ROOT, "  %d accepted, server heap in use %,d KB%n", done, heapInUseKb(server));
                            }
                        }
                    } finally {
                        smtp.close();
                    }
                    return null;
                }));
            }
            for (Future<?> connection : connections) {
                connection.get();
            }
        } finally {
            clients.shutdownNow();
            sampler.shutdownNow();
        }
        report.add(String.format(Locale.ROOT, "heap in use, sampled every 5 s during the burst (jcmd GC.heap_info): at most %,d KB",
            maxSampledKb.get()));
    }

    private static long liveHeapKb(ServerProcess server) throws Exception {
        jcmd(server, "GC.run");
        return heapInUseKb(server);
    }

    private static long heapInUseKb(ServerProcess server) throws Exception {
        Matcher used = HEAP_USED.matcher(jcmd(server, "GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("jcmd GC.heap_info gave no heap size");
        }
        return Long.parseLong(used.group(1));
    }

    /** {@code jcmd <server pid> <command>} with the JDK running this benchmark. */
    private static String jcmd(ServerProcess server, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(server.pid()), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    /** From the GC log: {most in use before a collection, most in use after one, heap size, collections} (MB). */
    private static long[] gcLog(Path log) throws IOException {
        long before = 0;
        long after = 0;
        long size = 0;
        long count = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = GC_SIZES.matcher(line);
            if (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
                size = Math.max(size, Long.parseLong(m.group(3)));
                count++;
            }
        }
        return new long[] {before, after, size, count};
    }

    private static long queueSize(WebAdmin webAdmin, String queue) {
        try {
            return webAdmin.getJson("/mailQueues/" + queue).path("size").asLong();
        } catch (Exception e) {
            return -1;
        }
    }
}
