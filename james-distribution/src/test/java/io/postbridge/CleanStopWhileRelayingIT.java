package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.it.Accounts;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * SIGTERM right after 1,000 messages were accepted (20 SMTP sessions at once), while a slow remote server is still
 * receiving them: the stop bounces nothing and puts nothing in a mail repository; after the next start every message
 * reaches the remote server, once or (James's queues deliver at least once) twice.
 */
class CleanStopWhileRelayingIT {
    private static final int SESSIONS = 20;
    private static final int PER_SESSION = 50;
    private static final String SENDER = "app@sender.test";
    private static final String RECIPIENT = "dest@remote.test";
    private static final List<String> REPOSITORIES = List.of("error", "relay-denied", "address-error", "rrt-error");

    @TempDir
    Path tmp;

    @Test
    void sigtermWhileRelayingLosesAndBouncesNothing() throws Exception {
        FakeMx mx = new FakeMx().withLatency(Duration.ofMillis(300));
        mx.start();
        Ports ports = new Ports();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("postbridge"))) {
            ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second");
            server.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();
            Accounts accounts = new Accounts(webAdmin);
            accounts.create("bulk").allowSender("bulk", "@sender.test")
                .limits("bulk", "{\"messagesPerMinute\":100000,\"recipientsPerDay\":100000}");
            String key = accounts.issueKey("bulk").key;

            List<String> sent = sendInParallel(ports.submission, key);
            int reachedBeforeStop = mx.messages().size();
            assertThat(server.stop()).as("exit code of the SIGTERM stop").isIn(0, 143);
            assertThat(reachedBeforeStop).as("the stop came while mail was still being relayed").isLessThan(sent.size());
            assertThat(server.log()).doesNotContain("has been closed");

            server.start().awaitLog(ServerProcess.READY);
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> new HashSet<>(mx.messageIds()).containsAll(sent));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                size(webAdmin, "/mailQueues/outgoing") == 0 && size(webAdmin, "/mailQueues/spool") == 0);

            Map<String, Long> copies = mx.messageIds().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(copies.keySet()).as("only our messages reached the MX: no DSN").containsExactlyInAnyOrderElementsOf(sent);
            sent.forEach(id -> assertThat(copies.get(id)).as(id).isBetween(1L, 2L));
            mx.messages().forEach(message -> assertThat(message.getEnvelopeReceiver()).isEqualTo(RECIPIENT));
            for (String repository : REPOSITORIES) {
                assertThat(webAdmin.getJson("/mailRepositories/var%2Fmail%2F" + repository + "/mails"))
                    .as(repository).isEmpty();
            }
            assertThat(webAdmin.getJson("/postbridge/events?limit=100&type=bounced&account=bulk")).isEmpty();

            // the events written before the stop were flushed by it: every message's trail is complete and in order
            Map<String, List<String>> trails = new HashMap<>();
            for (com.fasterxml.jackson.databind.JsonNode event : webAdmin.getJson("/postbridge/events?limit=10000&account=bulk")) {
                trails.computeIfAbsent(event.path("messageId").asText(), k -> new ArrayList<>()).add(0, event.path("type").asText());
            }
            assertThat(trails.keySet()).as("events of every message").containsAll(sent);
            sent.forEach(id -> assertThat(trails.get(id)).as(id)
                .startsWith("received", "queued").endsWith("delivered").containsOnly("received", "queued", "delivered")
                .containsOnlyOnce("received"));
        } finally {
            mx.stop();
        }
    }

    private static List<String> sendInParallel(int port, String key) throws Exception {
        ExecutorService sessions = Executors.newFixedThreadPool(SESSIONS);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int session = 0; session < SESSIONS; session++) {
                int s = session;
                results.add(sessions.submit(() -> send(port, key, s)));
            }
            List<String> sent = new ArrayList<>();
            for (Future<List<String>> result : results) {
                sent.addAll(result.get());
            }
            return sent;
        } finally {
            sessions.shutdownNow();
        }
    }

    private static List<String> send(int port, String key, int session) throws Exception {
        List<String> ids = new ArrayList<>();
        try (SmtpClient smtp = SmtpClient.connect(port)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain("bulk", key)).startsWith("235");
            for (int i = 0; i < PER_SESSION; i++) {
                String id = "s" + session + "-m" + i + "@stop.test";
                assertThat(smtp.send(SENDER, RECIPIENT,
                    SmtpClient.message(SENDER, RECIPIENT, "bulk " + i, id, "message " + i + " of session " + session)))
                    .as(id).startsWith("250");
                ids.add("<" + id + ">");
            }
        }
        return ids;
    }

    private static long size(WebAdmin webAdmin, String queue) throws Exception {
        return webAdmin.getJson(queue).path("size").asLong();
    }
}
