package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.testing.ExternalTools;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;

/**
 * The spool after a full disk and a {@code kill -9} (found by SoakIT): the server's var/ is a small tmpfs; while
 * submissions and deliveries (half of them deferred by the MX, so their retries go through the broker's scheduler)
 * keep going, a ballast file fills it until writes fail, is removed, and the server is killed with SIGKILL and
 * started again, round after round. The server must start each time, every message that got a 250 must reach the MX
 * after the last restart, and a submission refused for lack of space must get a 4xx. Needs root (mount).
 */
class SpoolFullDiskIT {
    private static final int ROUNDS = Integer.getInteger("postbridge.fullDisk.rounds", 1);
    private static final int CLIENTS = 4;
    private static final String LATER = "later@remote.test";
    private static final String NOW = "now@remote.test";
    /** A start after a crash may replay or rebuild the spool's index: allow more than a clean start. */
    private static final Duration START = Duration.ofSeconds(300);

    @TempDir
    Path tmp;
    private Path var;
    private boolean mounted;

    @BeforeEach
    void mountSmallVar() throws Exception {
        var = tmp.resolve("postbridge/var");
        Files.createDirectories(var);
        ExternalTools.require("root".equals(System.getProperty("user.name")),
            "mounting a tmpfs for the full-disk test needs root (run the tests as root, as CI does)");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", var.toString())
            .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ExternalTools.require(mount.waitFor() == 0, "cannot mount a tmpfs (a container without CAP_SYS_ADMIN?): " + output);
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", var.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void afterAFullDiskAndKillNineTheServerStartsAndDeliversEveryAcceptedMessage() throws Exception {
        FakeMx mx = new FakeMx().deferring(LATER);
        mx.start();
        Ports ports = new Ports();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> refusals = ConcurrentHashMap.newKeySet();
        ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"));
        try {
            ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second")
                .property("postbridge.properties", "rateLimit.messagesPerMinute", "1000000")
                .property("postbridge.properties", "rateLimit.recipientsPerDay", "1000000");
            server.start().awaitLog(ServerProcess.READY, START);
            ports.webAdmin().addUser("app@example.com", "app-secret");

            for (int round = 0; round < ROUNDS; round++) {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger sequence = new AtomicInteger();
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    String prefix = "r" + round + "c" + c;
                    Thread client = new Thread(() -> submitUntilStopped(ports.submission, prefix, sequence, running, accepted, refusals));
                    client.start();
                    clients.add(client);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sequence.get() >= 20);
                long ballast = fillDisk();
                Thread.sleep(3000);
                Files.delete(var.resolve("ballast"));
                // KahaDB checkpoints its index every 5 s: let one happen with the space back, under load
                Thread.sleep(7000);
                server.kill9();
                running.set(false);
                for (Thread client : clients) {
                    client.join();
                }
                System.out.printf("round %d: %d MB of ballast, %d accepted so far, refusals %s%n", round, ballast >> 20,
                    accepted.size(), refusals);

                server.start().awaitLog(ServerProcess.READY, START);
                String start = server.logSinceLastStart();
                System.out.printf("round %d: restart %s%n", round, start.contains("moving the index aside")
                    ? "rebuilt an index: " + start.substring(start.indexOf("The spool's store")).lines().findFirst().orElse("")
                    : "found the store consistent");
            }
            mx.stopDeferring(LATER);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> new HashSet<>(mx.messageIds()).containsAll(accepted));
            assertThat(accepted).as("messages accepted").isNotEmpty();
            assertThat(refusals).as("replies other than 250 to a submission").allMatch(reply -> reply.startsWith("4"));
        } catch (Throwable failure) {
            Set<String> missing = new HashSet<>(accepted);
            missing.removeAll(mx.messageIds());
            throw new AssertionError(missing.size() + " of " + accepted.size() + " accepted messages not delivered " + missing
                + "; server log and store kept in " + keep(server), failure);
        } finally {
            server.close();
            mx.stop();
        }
    }

    /** Copies the server's logs and spool store to target/ for a look after a failure (var/ is unmounted after the test). */
    private Path keep(ServerProcess server) throws Exception {
        server.close();
        Path kept = Path.of("target/spool-full-disk").toAbsolutePath();
        Files.createDirectories(kept);
        new ProcessBuilder("cp", "-a", server.home().resolve("console.log").toString(), var.resolve("log").toString(),
            var.resolve("store/activemq").toString(), kept.toString()).inheritIO().start().waitFor();
        return kept;
    }

    /** Fills var/ with a ballast file until a write fails; returns its size. */
    private long fillDisk() throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(var.resolve("ballast"))) {
            for (byte[] chunk = new byte[1 << 20]; chunk.length >= 4096; chunk = new byte[chunk.length / 16]) {
                try {
                    while (true) {
                        out.write(chunk);
                        written += chunk.length;
                    }
                } catch (IOException full) {
                    // then smaller chunks, to leave as little space as possible
                }
            }
        } catch (IOException full) {
            // the close may fail too
        }
        return written;
    }

    /** One SMTP client: sessions of up to 20 messages, to the deferred and the accepting recipient in turn. */
    private static void submitUntilStopped(int port, String prefix, AtomicInteger sequence, AtomicBoolean running,
                                           Set<String> accepted, Set<String> refusals) {
        int n = 0;
        while (running.get()) {
            try (SmtpClient smtp = SmtpClient.connect(port)) {
                smtp.ehlo();
                smtp.startTls();
                String auth = smtp.authPlain("app@example.com", "app-secret");
                if (!auth.startsWith("235")) {
                    refusals.add(auth + " (to AUTH)");
                    Thread.sleep(200);
                    continue;
                }
                for (int i = 0; i < 20 && running.get(); i++, n++) {
                    String id = prefix + "-" + n + "@fulldisk.test";
                    String recipient = n % 2 == 0 ? LATER : NOW;
                    String reply = smtp.send("app@example.com", recipient,
                        SmtpClient.message("app@example.com", recipient, "full disk " + n, id, "x".repeat(2000)));
                    sequence.incrementAndGet();
                    if (reply.startsWith("250")) {
                        accepted.add("<" + id + ">");
                    } else {
                        refusals.add(reply);
                        break;
                    }
                }
            } catch (Exception e) {
                // the server is being killed or refuses connections: try again
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
