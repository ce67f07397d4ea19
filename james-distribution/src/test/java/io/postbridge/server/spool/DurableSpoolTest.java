package io.postbridge.server.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;

import javax.inject.Inject;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.multibindings.Multibinder;

import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The Postbridge server's durable queue, as James's mailets and an operator use it: delayed mail comes back when it
 * is due (not at the next 10 s selector poll of James's JMS queue), and WebAdmin's {@code /mailQueues} sees, counts,
 * flushes and removes mail whether it is ready or waiting for its delay.
 */
class DurableSpoolTest {
    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> { },
        binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(QueueProbe.class));

    public static class QueueProbe implements GuiceProbe {
        private final MailQueueFactory<?> queues;

        @Inject
        public QueueProbe(MailQueueFactory<?> queues) {
            this.queues = queues;
        }

        MailQueue queue(String name) {
            return queues.createQueue(MailQueueName.of(name));
        }
    }

    @Test
    void delayedMailComesBackWhenDueNotAtTheNextPoll() throws Exception {
        MailQueue queue = james.getGuiceJamesServer().getProbe(QueueProbe.class).queue("probe-delay");
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        Disposable consumer = consume(queue, arrivals);
        try {
            long start = System.nanoTime();
            queue.enQueue(mail("delayed-2s", "a@spool.test", "x@remote.test"), Duration.ofSeconds(2));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.containsKey("delayed-2s"));
            long elapsedMs = (arrivals.get("delayed-2s") - start) / 1_000_000;
            // not before it is due, and well before James's JMS queue would have found it (a 10 s selector poll)
            assertThat(elapsedMs).as("ms until a 2 s delayed mail came back").isBetween(1900L, 6000L);
        } finally {
            consumer.dispose();
        }
    }

    @Test
    void webAdminListsCountsRemovesAndFlushesReadyAndDelayedMail() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        WebAdmin webAdmin = new WebAdmin(server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue());
        MailQueue queue = server.getProbe(QueueProbe.class).queue("probe-managed");
        // nobody consumes this queue yet: ready mail stays in the queue, delayed mail in the broker's scheduler
        queue.enQueue(mail("ready-1", "a@spool.test", "v@remote.test"));
        queue.enQueue(mail("ready-2", "b@spool.test", "w@remote.test"));
        queue.enQueue(mail("later-1", "c@spool.test", "x@remote.test"), Duration.ofHours(1));
        queue.enQueue(mail("later-2", "d@spool.test", "y@remote.test"), Duration.ofHours(1));
        queue.enQueue(mail("later-3", "e@spool.test", "z@remote.test"), Duration.ofHours(1));

        assertThat(webAdmin.getJson("/mailQueues").toString()).contains("\"probe-managed\"");
        assertThat(webAdmin.getJson("/mailQueues/probe-managed").path("size").asLong()).isEqualTo(5);
        assertThat(names(webAdmin.getJson("/mailQueues/probe-managed/mails")))
            .containsExactlyInAnyOrder("ready-1", "ready-2", "later-1", "later-2", "later-3");
        assertThat(names(webAdmin.getJson("/mailQueues/probe-managed/mails?delayed=true")))
            .containsExactlyInAnyOrder("later-1", "later-2", "later-3");

        awaitTask(webAdmin, webAdmin.delete("/mailQueues/probe-managed/mails?sender=c@spool.test"));
        awaitTask(webAdmin, webAdmin.delete("/mailQueues/probe-managed/mails?recipient=a@nowhere.test"));
        awaitTask(webAdmin, webAdmin.delete("/mailQueues/probe-managed/mails?recipient=y@remote.test"));
        awaitTask(webAdmin, webAdmin.delete("/mailQueues/probe-managed/mails?name=ready-1"));
        assertThat(names(webAdmin.getJson("/mailQueues/probe-managed/mails"))).containsExactlyInAnyOrder("ready-2", "later-3");
        assertThat(webAdmin.getJson("/mailQueues/probe-managed").path("size").asLong()).isEqualTo(2);

        HttpResponse<String> flush = webAdmin.patch("/mailQueues/probe-managed/mails?delayed=true", "{\"delayed\": false}");
        assertThat(flush.statusCode()).as(flush.body()).isEqualTo(204);
        assertThat(names(webAdmin.getJson("/mailQueues/probe-managed/mails?delayed=true"))).isEmpty();

        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        Disposable consumer = consume(queue, arrivals);
        try {
            // the flushed mail is delivered now, not in an hour; the removed ones never
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> arrivals.keySet().containsAll(List.of("ready-2", "later-3")));
            Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> arrivals.keySet().equals(java.util.Set.of("ready-2", "later-3"))); // the removed ones never
            Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> webAdmin.getJson("/mailQueues/probe-managed").path("size").asLong() == 0);
        } finally {
            consumer.dispose();
        }
    }

    private static Disposable consume(MailQueue queue, Map<String, Long> arrivals) {
        return Flux.from(queue.deQueue())
            .subscribeOn(Schedulers.boundedElastic())
            .subscribe(item -> {
                arrivals.putIfAbsent(item.getMail().getName(), System.nanoTime());
                try {
                    item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
    }

    private static void awaitTask(WebAdmin webAdmin, HttpResponse<String> created) throws Exception {
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String taskId = WebAdmin.parse(created.body()).path("taskId").asText();
        JsonNode done = webAdmin.getJson("/tasks/" + taskId + "/await");
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
    }

    private static List<String> names(JsonNode mails) {
        List<String> names = new ArrayList<>();
        StreamSupport.stream(mails.spliterator(), false).forEach(mail -> names.add(mail.path("name").asText()));
        return names;
    }

    private static MailImpl mail(String name, String sender, String recipient) throws Exception {
        String body = "Subject: " + name + "\r\nFrom: " + sender + "\r\nTo: " + recipient + "\r\nMessage-ID: <" + name
            + "@spool.test>\r\n\r\nqueued by DurableSpoolTest\r\n";
        return MailImpl.builder().name(name).sender(sender).addRecipient(new MailAddress(recipient))
            .mimeMessage(new javax.mail.internet.MimeMessage(javax.mail.Session.getDefaultInstance(new java.util.Properties()), new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)))).build();
    }
}
