package io.postbridge.mailets;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
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

import io.postbridge.core.delivery.DeliveryEventData;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.DeliveryStatusNotification;
import io.postbridge.core.delivery.NextStep;
import io.postbridge.core.delivery.RecipientOutcomes;
import io.postbridge.core.delivery.RetryPolicy;
import io.postbridge.core.suppression.DeliveryFeedback;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.mail.MailAttributes;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The delivery rules shared by {@link ApiDelivery} and {@link SmtpDelivery}: takes mail from a durable James queue,
 * {@code concurrency} messages at a time, never on a spooler thread, and lets an {@link Attempt} try it (SmtpDelivery
 * may make the first attempt itself before queueing, {@link #attemptBeforeQueueing}; its outcomes are applied by the
 * same code). Each message
 * leaves the queue only once the fate of every recipient is decided: delivered (event {@code delivered}); bounced with
 * an RFC 3464 DSN (permanent failure, or the retry window is over); or put back, with only the recipients still to
 * try, after a backoff delay (transient failure). A crash before that leaves it in the queue, so nothing is lost (at
 * worst a message is sent twice).
 */
final class DeliveryQueueWorker implements AutoCloseable {
    static final AttributeName ATTEMPTS = AttributeName.of(MailAttributes.API_DELIVERY_ATTEMPTS);
    static final AttributeName FIRST_ATTEMPT = AttributeName.of(MailAttributes.API_DELIVERY_FIRST_ATTEMPT);
    static final AttributeName NOT_BEFORE = AttributeName.of(MailAttributes.API_DELIVERY_NOT_BEFORE);
    static final AttributeName LAST_ERROR = AttributeName.of(MailAttributes.API_DELIVERY_LAST_ERROR);
    /** Queues that ignore delays (RabbitMQ) hand a waiting message back at once: hold it here, this long at most. */
    private static final Duration MAX_LOCAL_HOLD = Duration.ofMinutes(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryQueueWorker.class);

    /** One delivery attempt of a queued mail: an outcome for each of its recipients. Must not throw. */
    interface Attempt {
        CompletableFuture<RecipientOutcomes> attempt(Mail mail);
    }

    /**
     * Told of each bounce (after its DSN, before its event): what it did, for the event's detail. The suppression
     * list is fed by {@link #suppressionFeedback}, the same for every delivery agent.
     */
    interface BounceListener {
        Optional<String> bounced(Mail mail, List<String> recipients, NextStep next);
    }

    private final String what;
    private final MailQueue queue;
    private final Attempt attempt;
    private final MailEventLog events;
    private final MailetContext context;
    private final RetryPolicy retryPolicy;
    private final Supplier<DeliveryStatusNotification> dsn;
    private final Clock clock;
    /** Decisions block on the queue's synced commit (and DSNs): one thread per message in delivery, made in {@link #start}. */
    private Scheduler blocking;
    private Optional<String> onSuccess = Optional.empty();
    private Optional<String> onFailure = Optional.empty();
    private BounceListener bounceListener = (mail, recipients, next) -> Optional.empty();
    private Optional<DeliveryFeedback> feedback = Optional.empty();
    private DeliveryFeedback.Source refusedBy = DeliveryFeedback.Source.SMTP;
    private Disposable subscription;
    private Scheduler dequeue;
    private volatile boolean closed;
    /** Items between dequeue and recorded decision (also the monitor {@link #close()} waits on). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);

    /**
     * @param what for logs and thread names ("api", "smtp")
     * @param dsn read when bouncing: the postmaster is known only once the whole mailet container is configured
     */
    DeliveryQueueWorker(String what, MailQueue queue, Attempt attempt, MailEventLog events, MailetContext context,
                        RetryPolicy retryPolicy, Supplier<DeliveryStatusNotification> dsn, Clock clock) {
        this.what = what;
        this.queue = queue;
        this.attempt = attempt;
        this.events = events;
        this.context = context;
        this.retryPolicy = retryPolicy;
        this.dsn = dsn;
        this.clock = clock;
    }

    /**
     * After each decision, a copy of the mail with the recipients concerned goes to these processors: the delivered
     * ones to {@code onSuccess}, the bounced ones (their DSN already sent) to {@code onFailure} with James's
     * {@code delivery-error} and {@code is-delivery-permanent-error} attributes, as RemoteDelivery's processors get
     * them (for instance for the suppression list).
     */
    DeliveryQueueWorker outcomeProcessors(Optional<String> onSuccess, Optional<String> onFailure) {
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
        return this;
    }

    /**
     * Every decision about an account's mail goes to the suppression list through {@code feedback} (deliveries
     * forgive soft bounces, bounces count), the same way for every delivery agent; {@code refusedBy} says whose
     * refusals they are.
     */
    DeliveryQueueWorker suppressionFeedback(DeliveryFeedback feedback, DeliveryFeedback.Source refusedBy) {
        this.feedback = Optional.of(feedback);
        this.refusedBy = refusedBy;
        return this;
    }

    DeliveryQueueWorker onBounce(BounceListener listener) {
        this.bounceListener = listener;
        return this;
    }

    /** Marks a mail as queued now (the retry window counts from here). */
    static void firstQueued(Mail mail, Instant at) {
        mail.setAttribute(new Attribute(FIRST_ATTEMPT, AttributeValue.of(at.toEpochMilli())));
    }

    void start(int concurrency) {
        // each of the `concurrency` messages in delivery ends with a blocking, synced queue commit: with fewer threads
        // the commits wait for a thread instead of sharing the journal's fsync, and cap the delivery rate (issue 14)
        blocking = Schedulers.newBoundedElastic(Math.max(8, concurrency), 100_000, "postbridge-" + what + "-delivery");
        dequeue = Schedulers.newSingle("postbridge-" + what + "-dequeue");
        // a failing queue (broker restart) must not stop delivery for good: subscribe again, backing off
        subscription = mailetContextConfigured().thenMany(Flux.defer(() -> Flux.from(queue.deQueue())))
            .retryWhen(reactor.util.retry.Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(30))
                .filter(error -> !closed)
                .doBeforeRetry(signal -> LOGGER.warn("Postbridge {} delivery: reading queue {} failed, retrying", what,
                    queue.getName().asString(), signal.failure())))
            .flatMap(item -> Mono.fromFuture(() -> process(item)).onErrorResume(error -> {
                LOGGER.error("{} delivery of {} failed unexpectedly; it stays queued", what, item.getMail().getName(), error);
                return Mono.empty();
            }), concurrency)
            .subscribeOn(dequeue)
            .subscribe(ignored -> { }, error -> {
                if (!closed) {
                    LOGGER.error("Postbridge {} delivery stopped reading queue {}", what, queue.getName().asString(), error);
                }
            });
    }

    /**
     * James initialises the mailets (and so starts this worker) before it configures its mailet context: until then
     * the context has no spool queue, and a mail delivered at start-up (queued before a restart) could not have its
     * outcome recorded and would be delivered again. The context sets its postmaster in the same step, right after
     * the queue, so a postmaster means the context can take mail.
     */
    private Mono<MailAddress> mailetContextConfigured() {
        // waits on the dequeue thread: the queue is then read on it too, never on a shared Reactor thread (a
        // delay's default, the parallel scheduler, whose few threads a blocking read would hold for good)
        return Mono.fromCallable(context::getPostmaster)
            .repeatWhenEmpty(Integer.MAX_VALUE, empty -> empty.delayElements(Duration.ofMillis(100), dequeue))
            .publishOn(dequeue)
            .doOnSubscribe(ignored -> LOGGER.debug("Postbridge {} delivery waits for the mailet context", what));
    }

    private CompletableFuture<Void> process(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        Optional<Long> notBefore = AttributeUtils.getValueAndCastFromMail(mail, NOT_BEFORE, Long.class);
        if (notBefore.isPresent() && notBefore.get() > clock.instant().toEpochMilli() + 1000) {
            return holdUntilDue(item, Instant.ofEpochMilli(notBefore.get()));
        }
        return counted(() -> attemptAndDecide(item));
    }

    /**
     * Work that ends with a recorded decision, counted while in flight so that {@link #close()} lets it finish. The
     * stream gets a copy of its future, so cancelling the stream at close does not cancel (and interrupt) a decision
     * being written: an interrupted enqueue may still have reached the broker, and the item, put back as well, would
     * then be delivered twice.
     */
    private CompletableFuture<Void> counted(Supplier<CompletableFuture<Void>> work) {
        inFlight.incrementAndGet();
        CompletableFuture<Void> done;
        try {
            done = work.get();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ignored, error) -> {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (inFlight) {
                    inFlight.notifyAll();
                }
            }
        });
        return done.copy();
    }

    private CompletableFuture<Void> attemptAndDecide(MailQueue.MailQueueItem item) {
        Mail mail = item.getMail();
        CompletableFuture<RecipientOutcomes> outcomes;
        try {
            outcomes = attempt.attempt(mail);
        } catch (RuntimeException e) {
            outcomes = CompletableFuture.failedFuture(e);
        }
        return outcomes
            .exceptionally(error -> unexpected(mail, error))
            .thenCompose(result -> decide(item, result));
    }

    /** The rest is blocking (queue, DSN): off the delivery threads. */
    private CompletableFuture<Void> decide(MailQueue.MailQueueItem item, RecipientOutcomes outcomes) {
        return Mono.fromRunnable(() -> apply(item, outcomes)).subscribeOn(blocking).then().toFuture();
    }

    private void apply(MailQueue.MailQueueItem item, RecipientOutcomes outcomes) {
        Mail mail = item.getMail();
        try {
            applyOutcomes(mail, outcomes);
            item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("Could not record the outcome of {} ({}); it will be tried again", mail.getName(), outcomes, e);
            try {
                item.done(MailQueue.MailQueueItem.CompletionStatus.RETRY);
            } catch (Exception ignored) {
                // the queue itself is failing; its own redelivery applies
            }
        }
    }

    /**
     * The first attempt made by the caller on its own thread before the mail is ever queued (SmtpDelivery, on the
     * spool thread, while the spool still holds the mail unacknowledged): its outcomes are applied exactly as a
     * queued attempt's, so only the recipients left to retry reach the queue (with their backoff delay). A crash
     * meanwhile leaves the mail in the spool, which hands it over again. If the outcome cannot be recorded, the mail
     * goes to the queue as it came, to be tried from there (as a queued item is put back).
     */
    void attemptBeforeQueueing(Mail mail, Supplier<RecipientOutcomes> attempt) throws MessagingException {
        List<MailAddress> original = new ArrayList<>(mail.getRecipients());
        RecipientOutcomes outcomes;
        try {
            outcomes = attempt.get();
        } catch (RuntimeException e) {
            outcomes = unexpected(mail, e);
        }
        try {
            applyOutcomes(mail, outcomes);
        } catch (Exception e) {
            LOGGER.error("Could not record the outcome of {} ({}); it is queued to be tried again", mail.getName(), outcomes, e);
            mail.setRecipients(original);
            mail.removeAttribute(ATTEMPTS);
            mail.removeAttribute(NOT_BEFORE);
            queue.enQueue(mail);
        }
    }

    private static RecipientOutcomes unexpected(Mail mail, Throwable error) {
        return RecipientOutcomes.all(recipients(mail), DeliveryOutcome.transientFailure("delivery failed unexpectedly: " + error,
            Optional.empty()));
    }

    /**
     * Applies one attempt's outcomes, the same for a queued item and for a first attempt before queueing: events,
     * suppression feedback, outcome processors, DSNs, and the retry (re-enqueued with the recipients left, after
     * the backoff delay). Throws if they could not all be recorded; the caller makes sure the mail is tried again.
     */
    private void applyOutcomes(Mail mail, RecipientOutcomes outcomes) throws MessagingException {
        Instant now = clock.instant();
        List<String> delivered = outcomes.recipients(DeliveryOutcome.Kind.DELIVERED);
        List<String> later = outcomes.recipients(DeliveryOutcome.Kind.TRANSIENT);
        int failures = AttributeUtils.getValueAndCastFromMail(mail, ATTEMPTS, Integer.class).orElse(0) + (later.isEmpty() ? 0 : 1);
        Instant first = AttributeUtils.getValueAndCastFromMail(mail, FIRST_ATTEMPT, Long.class).map(Instant::ofEpochMilli).orElse(now);
        if (!delivered.isEmpty()) {
            DeliveryOutcome outcome = outcomes.first(DeliveryOutcome.Kind.DELIVERED).get();
            events.record(DeliveryEventData.delivered(MailEvents.of(mail, MailEventType.DELIVERED, clock.instant()), outcome)
                .recipients(delivered).detail(outcome.detail() + outcome.providerMessageId().map(id -> ", id " + id).orElse(""))
                .build());
            feedback(mail, "delivered", f -> {
                f.delivered(accountOf(mail).get(), delivered);
                return Optional.empty();
            });
            if (onSuccess.isPresent()) {
                handOff(mail, delivered, onSuccess.get(), Optional.empty(), false);
            }
        }
        // permanent failures, grouped by answer: one DSN per distinct reason
        Map<String, List<String>> bounced = new LinkedHashMap<>();
        Map<String, NextStep> reasons = new LinkedHashMap<>();
        Map<String, DeliveryOutcome> failedAttempts = new LinkedHashMap<>();
        outcomes.byRecipient().forEach((recipient, outcome) -> {
            if (outcome.kind() == DeliveryOutcome.Kind.PERMANENT) {
                NextStep step = NextStep.after(outcome, failures, first, now, retryPolicy);
                String key = step.status() + " " + step.reason();
                reasons.putIfAbsent(key, step);
                failedAttempts.putIfAbsent(key, outcome);
                bounced.computeIfAbsent(key, k -> new ArrayList<>()).add(recipient);
            }
        });
        if (!later.isEmpty()) {
            DeliveryOutcome outcome = outcomes.first(DeliveryOutcome.Kind.TRANSIENT).get();
            NextStep next = NextStep.after(outcome, failures, first, now, retryPolicy);
            if (next.kind() == NextStep.Kind.RETRY) {
                retry(mail, later, failures, first, now, next, outcome);
            } else {
                String key = next.status() + " " + next.reason();
                reasons.putIfAbsent(key, next);
                failedAttempts.putIfAbsent(key, outcome);
                bounced.computeIfAbsent(key, k -> new ArrayList<>()).addAll(later);
            }
        }
        for (Map.Entry<String, List<String>> group : bounced.entrySet()) {
            bounce(mail, group.getValue(), reasons.get(group.getKey()), Optional.ofNullable(failedAttempts.get(group.getKey())), first, now);
        }
    }

    private void retry(Mail mail, List<String> later, int failures, Instant first, Instant now, NextStep next, DeliveryOutcome outcome)
        throws MessagingException {
        List<MailAddress> remaining = new ArrayList<>();
        for (String recipient : later) {
            try {
                remaining.add(new MailAddress(recipient));
            } catch (AddressException e) {
                throw new MessagingException("unreadable recipient " + recipient, e);
            }
        }
        mail.setRecipients(remaining); // sendpartial: the delivered and bounced recipients are done
        mail.setAttribute(new Attribute(ATTEMPTS, AttributeValue.of(failures)));
        mail.setAttribute(new Attribute(FIRST_ATTEMPT, AttributeValue.of(first.toEpochMilli())));
        mail.setAttribute(new Attribute(NOT_BEFORE, AttributeValue.of(now.plus(next.delay()).toEpochMilli())));
        mail.setAttribute(new Attribute(LAST_ERROR, AttributeValue.of(outcome.detail())));
        queue.enQueue(mail, next.delay());
        events.record(DeliveryEventData.deferred(MailEvents.of(mail, MailEventType.DEFERRED, clock.instant()), outcome, failures,
                now.plus(next.delay()))
            .recipients(later).detail(outcome.detail() + "; attempt " + failures + ", next in " + NextStep.humanReadable(next.delay()))
            .build());
    }

    private void bounce(Mail mail, List<String> recipients, NextStep next, Optional<DeliveryOutcome> attempt, Instant first, Instant now)
        throws MessagingException {
        Optional<String> sender = mail.getMaybeSender().asOptional().map(MailAddress::asString);
        Optional<MimeMessage> report = dsn.get().build(sender, recipients, next.status(), next.reason(), headerBytes(mail), first, now);
        if (report.isPresent()) {
            context.sendMail(MailAddress.nullSender(), List.of(new MailAddress(sender.get())), report.get());
        }
        Optional<String> fed = feedback(mail, "bounced", f -> f.bounced(accountOf(mail).get(), recipients, next.status(), next.reason(),
            refusedBy));
        Optional<String> listened = bounceListener.bounced(mail, recipients, next);
        Optional<String> followUp = fed.isPresent() && listened.isPresent() ? Optional.of(fed.get() + "; " + listened.get())
            : fed.or(() -> listened);
        events.record(DeliveryEventData.bounced(MailEvents.of(mail, MailEventType.BOUNCED, clock.instant()), next, attempt,
                report.isPresent())
            .recipients(recipients).detail(next.status() + " " + next.reason()
                + (report.isPresent() ? "; DSN sent to " + sender.get() : "; no DSN (null sender)")
                + followUp.map(done -> "; " + done).orElse(""))
            .build());
        if (onFailure.isPresent()) {
            // a bounce at the end of the retry window (4.4.7) reports a temporary failure
            handOff(mail, recipients, onFailure.get(), Optional.of(next.status() + " " + next.reason()), next.status().startsWith("5"));
        }
    }

    private void handOff(Mail mail, List<String> recipients, String processor, Optional<String> error, boolean permanent)
        throws MessagingException {
        Mail copy = mail.duplicate();
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        copy.setRecipients(addresses);
        if (error.isPresent()) {
            copy.setAttribute(new Attribute(AttributeName.of(MailAttributes.DELIVERY_ERROR), AttributeValue.of(error.get())));
            copy.setAttribute(new Attribute(AttributeName.of(MailAttributes.DELIVERY_PERMANENT_ERROR), AttributeValue.of(permanent)));
        }
        feedback.ifPresent(f -> copy.setAttribute(new Attribute(AttributeName.of(MailAttributes.SUPPRESSION_FED), AttributeValue.of(true))));
        copy.setState(processor);
        context.sendMail(copy);
    }

    private static Optional<String> accountOf(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
    }

    /** Feeds an account's outcome to the suppression list; the store failing only loses the bookkeeping (logged). */
    private Optional<String> feedback(Mail mail, String what, java.util.function.Function<DeliveryFeedback, Optional<String>> step) {
        if (feedback.isEmpty() || accountOf(mail).isEmpty()) {
            return Optional.empty();
        }
        try {
            return step.apply(feedback.get());
        } catch (RuntimeException e) {
            LOGGER.warn("Postbridge: suppression list not updated for {} ({}): {}", mail.getName(), what, e.getMessage());
            return Optional.empty();
        }
    }

    private CompletableFuture<Void> holdUntilDue(MailQueue.MailQueueItem item, Instant due) {
        Duration wait = Duration.between(clock.instant(), due);
        Duration hold = wait.compareTo(MAX_LOCAL_HOLD) > 0 ? MAX_LOCAL_HOLD : wait;
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(hold.toMillis(), TimeUnit.MILLISECONDS))
            .thenCompose(ignored -> {
                if (closed) {
                    // stopping: left unacknowledged, the mail stays in the queue for the next start
                    return CompletableFuture.<Void>completedFuture(null);
                }
                if (clock.instant().isBefore(due.minusSeconds(1))) {
                    return counted(() -> Mono.fromRunnable(() -> requeue(item, Duration.between(clock.instant(), due)))
                        .subscribeOn(blocking).then().toFuture());
                }
                item.getMail().removeAttribute(NOT_BEFORE);
                return counted(() -> attemptAndDecide(item));
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

    static List<String> recipients(Mail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList());
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
        awaitInFlight(CLOSE_GRACE);
        if (dequeue != null) {
            dequeue.dispose();
        }
        if (blocking != null) {
            blocking.dispose();
        }
    }

    /** Waits, at most {@code grace}, for the items in flight to record their decisions (a clean stop repeats nothing). */
    private void awaitInFlight(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    LOGGER.warn("Postbridge {} delivery: {} mail(s) still in delivery after {}; they stay queued", what, inFlight.get(), grace);
                    return;
                }
                try {
                    inFlight.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
