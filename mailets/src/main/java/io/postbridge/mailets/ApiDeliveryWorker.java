package io.postbridge.mailets;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.delivery.ApiSender;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.DeliveryStatusNotification;
import io.postbridge.core.delivery.MemoryBudget;
import io.postbridge.core.delivery.NextStep;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.delivery.RetryPolicy;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.suppression.BounceOutcomes;
import io.postbridge.core.mail.MailAttributes;
import io.postbridge.core.events.MailEventType;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Takes mail from the Postbridge outgoing queue and delivers it through the provider APIs, {@code concurrency}
 * messages at a time, never on a James spooler thread. Each message leaves the queue only once its fate is decided:
 * delivered; put back with a delay (transient failure); or bounced with a DSN (permanent failure, retry window over).
 * A crash before that leaves it in the queue, so nothing is lost (at worst a message is sent twice).
 */
final class ApiDeliveryWorker implements AutoCloseable {
    static final AttributeName ATTEMPTS = AttributeName.of(MailAttributes.API_DELIVERY_ATTEMPTS);
    static final AttributeName FIRST_ATTEMPT = AttributeName.of(MailAttributes.API_DELIVERY_FIRST_ATTEMPT);
    static final AttributeName NOT_BEFORE = AttributeName.of(MailAttributes.API_DELIVERY_NOT_BEFORE);
    static final AttributeName LAST_ERROR = AttributeName.of(MailAttributes.API_DELIVERY_LAST_ERROR);
    /** Queues that ignore delays (RabbitMQ) hand a waiting message back at once: hold it here, this long at most. */
    private static final Duration MAX_LOCAL_HOLD = Duration.ofMinutes(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiDelivery.class);

    private final MailQueue queue;
    private final ApiSender sender;
    private final ProviderAccounts accounts;
    private final BounceOutcomes outcomes;
    private final MailEventLog events;
    private final MailetContext context;
    private final RetryPolicy retryPolicy;
    private final java.util.function.Supplier<DeliveryStatusNotification> dsn;
    private final Clock clock;
    private final Scheduler blocking;
    /** Message content in memory for deliveries in progress: a quarter of the heap, counted three times per message
     *  (its bytes, the upload copy, and for large Graph mail the parsed parts). */
    private final MemoryBudget memory = MemoryBudget.shareOfHeap(0.25);
    private Disposable subscription;
    private Scheduler dequeue;
    private volatile boolean closed;

    ApiDeliveryWorker(MailQueue queue, ApiSender sender, ProviderAccounts accounts, MailEventLog events, MailetContext context,
                      RetryPolicy retryPolicy, java.util.function.Supplier<DeliveryStatusNotification> dsn, Clock clock,
                      BounceOutcomes outcomes) {
        this.outcomes = outcomes;
        this.queue = queue;
        this.sender = sender;
        this.accounts = accounts;
        this.events = events;
        this.context = context;
        this.retryPolicy = retryPolicy;
        this.dsn = dsn;
        this.clock = clock;
        this.blocking = Schedulers.newBoundedElastic(8, 100_000, "postbridge-api-delivery");
    }

    void start(int concurrency) {
        dequeue = Schedulers.newSingle("postbridge-api-dequeue");
        // a failing queue (broker restart) must not stop delivery for good: subscribe again, backing off
        subscription = Flux.defer(() -> Flux.from(queue.deQueue()))
            .retryWhen(reactor.util.retry.Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                .filter(error -> !closed)
                .doBeforeRetry(signal -> LOGGER.warn("Postbridge API delivery: reading queue {} failed, retrying",
                    queue.getName().asString(), signal.failure())))
            .flatMap(item -> Mono.fromFuture(() -> process(item)).onErrorResume(error -> {
                LOGGER.error("API delivery of {} failed unexpectedly; it stays queued", item.getMail().getName(), error);
                return Mono.empty();
            }), concurrency)
            .subscribeOn(dequeue)
            .subscribe(ignored -> { }, error -> {
                if (!closed) {
                    LOGGER.error("Postbridge API delivery stopped reading queue {}", queue.getName().asString(), error);
                }
            });
    }

    private CompletableFuture<Void> process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        Instant now = clock.instant();
        Optional<Long> notBefore = AttributeUtils.getValueAndCastFromMail(mail, NOT_BEFORE, Long.class);
        if (notBefore.isPresent() && notBefore.get() > now.toEpochMilli() + 1000) {
            return holdUntilDue(item, Instant.ofEpochMilli(notBefore.get()));
        }
        String account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class).orElse("");
        Optional<ProviderAccount> settings;
        try {
            settings = accounts.forMail(account, sealedAppSecret(mail)).filter(a -> a.kind() != ProviderAccount.Kind.SMTP);
        } catch (RuntimeException e) {
            // incomplete settings, store unavailable: an operator can fix it within the retry window
            return decide(item, DeliveryOutcome.transientFailure(e.getMessage(), Optional.empty()));
        }
        if (settings.isEmpty()) {
            // the account may come back (store briefly unavailable, settings being edited): retry within the window
            return decide(item, DeliveryOutcome.transientFailure("account '" + account + "' has no Gmail or Graph settings",
                Optional.empty()));
        }
        long weight = 3 * Math.max(messageSize(mail), 1);
        return memory.acquire(weight)
            .thenCompose(ignored -> {
                OutgoingMail outgoing;
                try {
                    outgoing = new OutgoingMail(mail.getName(), mail.getMaybeSender().asOptional().map(MailAddress::asString),
                        mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList()), bytes(mail.getMessage()));
                } catch (Exception e) {
                    return CompletableFuture.completedFuture(DeliveryOutcome.permanentFailure(
                        "the queued message cannot be read: " + e.getMessage(), "5.6.0"));
                }
                return sender.deliver(settings.get(), outgoing);
            })
            .whenComplete((outcome, error) -> memory.release(weight))
            .thenCompose(outcome -> decide(item, outcome));
    }

    private static long messageSize(Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (MessagingException e) {
            return 1024 * 1024;
        }
    }

    /** The rest is blocking (queue, DSN): off the HTTP client's threads. */
    private CompletableFuture<Void> decide(MailQueue.MailQueueItem item, DeliveryOutcome outcome) {
        return Mono.fromRunnable(() -> apply(item, outcome)).subscribeOn(blocking).then().toFuture();
    }

    private void apply(MailQueue.MailQueueItem item, DeliveryOutcome outcome) {
        Mail mail = item.getMail();
        Instant now = clock.instant();
        int failures = AttributeUtils.getValueAndCastFromMail(mail, ATTEMPTS, Integer.class).orElse(0)
            + (outcome.kind() == DeliveryOutcome.Kind.DELIVERED ? 0 : 1);
        Instant first = AttributeUtils.getValueAndCastFromMail(mail, FIRST_ATTEMPT, Long.class).map(Instant::ofEpochMilli).orElse(now);
        NextStep next = NextStep.after(outcome, failures, first, now, retryPolicy);
        try {
            switch (next.kind()) {
                case DONE:
                    record(mail, MailEventType.DELIVERED, outcome.detail() + outcome.providerMessageId().map(id -> ", id " + id).orElse(""));
                    break;
                case RETRY:
                    mail.setAttribute(new Attribute(ATTEMPTS, AttributeValue.of(failures)));
                    mail.setAttribute(new Attribute(FIRST_ATTEMPT, AttributeValue.of(first.toEpochMilli())));
                    mail.setAttribute(new Attribute(NOT_BEFORE, AttributeValue.of(now.plus(next.delay()).toEpochMilli())));
                    mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(outcome.detail())));
                    queue.enQueue(mail, next.delay());
                    record(mail, MailEventType.DEFERRED, outcome.detail() + "; attempt " + failures + ", next in "
                        + NextStep.humanReadable(next.delay()));
                    break;
                default:
                    bounce(mail, next, first, now);
                    break;
            }
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("Could not record the outcome of {} ({}); it will be tried again", mail.getName(), next, e);
            try {
                item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            } catch (Exception ignored) {
                // the queue itself is failing; its own redelivery applies
            }
        }
    }

    private void bounce(Mail mail, NextStep next, Instant first, Instant now) throws MessagingException {
        Optional<String> sender = mail.getMaybeSender().asOptional().map(MailAddress::asString);
        List<String> recipients = mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList());
        Optional<MimeMessage> report = dsn.get().build(sender, recipients, next.status(), next.reason(), headerBytes(mail), first, now);
        if (report.isPresent()) {
            context.sendMail(MailAddress.nullSender(), List.of(new MailAddress(sender.get())), report.get());
        }
        List<String> suppressed = suppressRefusedRecipients(mail, recipients, next);
        record(mail, MailEventType.BOUNCED, next.status() + " " + next.reason()
            + (report.isPresent() ? "; DSN sent to " + sender.get() : "; no DSN (null sender)")
            + (suppressed.isEmpty() ? "" : "; suppressed " + String.join(", ", suppressed)));
    }

    /** A provider's permanent refusal of recipient addresses feeds the account's suppression list, as an SMTP 5xx does. */
    private List<String> suppressRefusedRecipients(Mail mail, List<String> recipients, NextStep next) {
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        if (account.isEmpty()) {
            return List.of();
        }
        try {
            return outcomes.rejectedByProvider(account.get(), recipients, next.status(), next.reason());
        } catch (io.postbridge.core.store.StoreException e) {
            // the DSN went out; only the bookkeeping is missed, and said so
            LOGGER.warn("Postbridge: suppression list not updated for {}: {}", mail.getName(), e.getMessage());
            return List.of();
        }
    }

    private CompletableFuture<Void> holdUntilDue(MailQueue.MailQueueItem item, Instant due) {
        Duration wait = Duration.between(clock.instant(), due);
        Duration hold = wait.compareTo(MAX_LOCAL_HOLD) > 0 ? MAX_LOCAL_HOLD : wait;
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(hold.toMillis(), TimeUnit.MILLISECONDS))
            .thenCompose(ignored -> {
                if (clock.instant().isBefore(due.minusSeconds(1))) {
                    return Mono.fromRunnable(() -> requeue(item, Duration.between(clock.instant(), due))).subscribeOn(blocking)
                        .then().toFuture();
                }
                item.getMail().removeAttribute(NOT_BEFORE);
                return process(item);
            });
    }

    private void requeue(MailQueue.MailQueueItem item, Duration delay) {
        try {
            queue.enQueue(item.getMail(), delay);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void record(Mail mail, MailEventType type, String detail) {
        events.record(MailEvents.of(mail, type, clock.instant()).detail(detail).build());
    }

    static Optional<String> sealedAppSecret(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, AttributeName.of(ProviderAccounts.SEALED_APP_SECRET), String.class);
    }

    static byte[] bytes(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(message.getSize(), 1024) + 1024);
        message.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] headerBytes(Mail mail) {
        try {
            StringBuilder headers = new StringBuilder();
            java.util.Enumeration<String> lines = mail.getMessage().getAllHeaderLines();
            while (lines.hasMoreElements()) {
                headers.append(lines.nextElement()).append("\r\n");
            }
            return headers.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (MessagingException e) {
            return new byte[0];
        }
    }

    @Override
    public void close() {
        closed = true;
        if (subscription != null) {
            subscription.dispose();
        }
        if (dequeue != null) {
            dequeue.dispose();
        }
        blocking.dispose();
    }
}
