package io.postbridge.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.DeliveryStatusNotification;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.delivery.RecipientOutcomes;
import io.postbridge.core.delivery.RetryPolicy;
import io.postbridge.core.delivery.smtp.MailExchangers;
import io.postbridge.core.delivery.smtp.SmtpConnectionPool;
import io.postbridge.core.delivery.smtp.SmtpDeliveryAgent;
import io.postbridge.core.delivery.smtp.SmtpPoolSettings;
import io.postbridge.core.delivery.smtp.SmtpPools;
import io.postbridge.core.delivery.smtp.SmtpRelaySettings;
import io.postbridge.core.metrics.DeliveryMetrics;
import io.postbridge.core.metrics.MetricNames;
import io.postbridge.core.metrics.PostbridgeMetrics;
import io.postbridge.core.delivery.smtp.SmtpRoute;
import io.postbridge.core.delivery.smtp.SmtpSecurity;
import io.postbridge.core.delivery.smtp.SmtpSender;
import io.postbridge.core.delivery.smtp.SmtpUpstream;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.suppression.BounceOutcomes;
import io.postbridge.core.suppression.DeliveryFeedback;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Delivers mail by SMTP on pooled, persistent connections, in place of James's {@code RemoteDelivery}: through the
 * sending account's own upstream (provider {@code smtp}, see {@link SmtpUpstream}; TLS required), else through the
 * server-wide smarthosts (TLS required unless plaintext is explicitly allowed), else to the recipient domains' mail
 * exchangers (James's DNS service; opportunistic STARTTLS). Connections are pooled per route and credentials, so two
 * accounts never share one. {@code service()} makes the first attempt itself, on the spool thread while the spool
 * still holds the mail (one durable enqueue per relayed mail, as Postfix delivers from its one queue file), and puts
 * into a durable James queue only the recipients left to retry; with no {@code inlineAttempts} permit free (slow
 * destinations must not take every spool thread) or {@code firstAttempt=queued}, it queues the mail as it came. The
 * queue, retries with backoff, per-recipient outcomes ({@code sendpartial}), RFC 3464 DSNs and events are the same as
 * {@link ApiDelivery}'s ({@link DeliveryQueueWorker}), for the first attempt too.
 *
 * <pre>{@code
 * <mailet match="All" class="io.postbridge.mailets.SmtpDelivery">
 *     <queue>postbridge-smtp</queue>
 *     <concurrency>64</concurrency>                    <!-- messages in delivery at once from the queue -->
 *     <firstAttempt>inline</firstAttempt>              <!-- inline (on the spool thread) | queued -->
 *     <inlineAttempts>10</inlineAttempts>              <!-- first attempts at once on spool threads; keep it below
 *                                                           the spooler's threads (20 in conf/mailetcontainer.xml) -->
 *     <connectionsPerDestination>4</connectionsPerDestination>
 *     <maxConnectionLifetime>300 seconds</maxConnectionLifetime>
 *     <maxConnectionIdle>2 seconds</maxConnectionIdle>
 *     <maxMessagesPerConnection>100</maxMessagesPerConnection>
 *     <retryInitialDelay>1 minute</retryInitialDelay>
 *     <retryMaxDelay>1 hour</retryMaxDelay>
 *     <retryWindow>5 days</retryWindow>
 *     <!-- optional: relay everything through these, in order -->
 *     <!-- (the relay of accounts without an upstream of their own: smtp.relay.* in postbridge.properties) -->
 *     <smarthost>smtp.example.net:587</smarthost>
 *     <smarthostSecurity>starttls</smarthostSecurity>  <!-- starttls | tls | plaintext (needs allowPlaintext) -->
 *     <smarthostUsername>relay-user</smarthostUsername>
 *     <smarthostPassword>...</smarthostPassword>
 *     <!-- optional: a copy of the mail with the recipients concerned, after the decision (events and DSN done) -->
 *     <onSuccess>smtp-delivered</onSuccess>           <!-- delivered recipients -->
 *     <onFailure>smtp-failed</onFailure>              <!-- bounced recipients, with delivery-error and
 *                                                          is-delivery-permanent-error like RemoteDelivery's -->
 *     <!-- optional: deliver what another queue still holds (RemoteDelivery's, from before an upgrade) -->
 *     <takeOverQueue>outgoing</takeOverQueue>
 * </mailet>
 * }</pre>
 */
public class SmtpDelivery extends GenericMailet {
    static final String QUEUE = "queue";
    static final String CONCURRENCY = "concurrency";
    static final String PER_DESTINATION = "connectionsPerDestination";
    static final String MAX_LIFETIME = "maxConnectionLifetime";
    static final String MAX_IDLE = "maxConnectionIdle";
    static final String MAX_MESSAGES = "maxMessagesPerConnection";
    static final String CONNECT_TIMEOUT = "connectTimeout";
    static final String READ_TIMEOUT = "readTimeout";
    static final String RETRY_INITIAL = "retryInitialDelay";
    static final String RETRY_MAX = "retryMaxDelay";
    static final String RETRY_WINDOW = "retryWindow";
    static final String REPORTING_MTA = "reportingMta";
    static final String HELO_NAME = "heloName";
    static final String SMARTHOST = "smarthost";
    static final String SMARTHOST_SECURITY = "smarthostSecurity";
    static final String SMARTHOST_USERNAME = "smarthostUsername";
    static final String SMARTHOST_PASSWORD = "smarthostPassword";
    static final String ALLOW_PLAINTEXT = "allowPlaintext";
    static final String MX_PORT = "mxPort";
    static final String ON_SUCCESS = "onSuccess";
    static final String ON_FAILURE = "onFailure";
    static final String TAKE_OVER_QUEUE = "takeOverQueue";
    static final String FIRST_ATTEMPT = "firstAttempt";
    static final String INLINE_ATTEMPTS = "inlineAttempts";
    private static final Set<String> PARAMETERS = Set.of(QUEUE, CONCURRENCY, PER_DESTINATION, MAX_LIFETIME, MAX_IDLE, MAX_MESSAGES,
        CONNECT_TIMEOUT, READ_TIMEOUT, RETRY_INITIAL, RETRY_MAX, RETRY_WINDOW, REPORTING_MTA, HELO_NAME, SMARTHOST,
        SMARTHOST_SECURITY, SMARTHOST_USERNAME, SMARTHOST_PASSWORD, ALLOW_PLAINTEXT, MX_PORT, ON_SUCCESS, ON_FAILURE, TAKE_OVER_QUEUE,
        FIRST_ATTEMPT, INLINE_ATTEMPTS);
    private static final Duration POSITIVE = Duration.ofMillis(1);
    /** One worker per queue in this JVM. */
    private static final Set<String> QUEUES_IN_USE = ConcurrentHashMap.newKeySet();
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpDelivery.class);

    private final ProviderAccounts accounts;
    private final MailEventLog events;
    private final MailQueueFactory<?> queues;
    private final DNSService dns;
    private final SmtpPools pools;
    private final SmtpRelaySettings relay;
    private final BounceOutcomes outcomes;
    private MailQueue queue;
    private String queueName;
    private SmtpConnectionPool pool;
    private SmtpDeliveryAgent agent;
    private Scheduler sending;
    private DeliveryQueueWorker worker;
    private Disposable takeOver;
    private MetricNames.Route serverRoute = MetricNames.Route.MX;
    private MetricNames.Route accountRelayRoute = MetricNames.Route.MX;
    private DeliveryMetrics metrics = new DeliveryMetrics(PostbridgeMetrics.NONE);
    /** Permits for first attempts on spool threads; none with firstAttempt=queued. */
    private Semaphore inlinePermits = new Semaphore(0);

    @Inject
    public SmtpDelivery(ProviderAccounts accounts, MailEventLog events, MailQueueFactory<?> queues, DNSService dns, SmtpPools pools,
                        SmtpRelaySettings relay, BounceOutcomes outcomes) {
        this.accounts = accounts;
        this.relay = relay;
        this.outcomes = outcomes;
        this.pools = pools;
        this.events = events;
        this.queues = queues;
        this.dns = dns;
    }

    /** Delivery counters and latency per route (docs/observability.md). */
    @Inject
    public void recordTo(PostbridgeMetrics metrics) {
        this.metrics = new DeliveryMetrics(metrics);
    }

    @Override
    public void init() throws MessagingException {
        int concurrency;
        SmtpPoolSettings poolSettings;
        RetryPolicy retry;
        String reportingMta;
        List<SmtpRoute> smarthosts = new ArrayList<>();
        int mxPort;
        Optional<String> onSuccess;
        Optional<String> onFailure;
        Optional<String> takeOverQueue;
        int inlineAttempts;
        try {
            SettingsReader parameters = MailetParameters.read(this, PARAMETERS);
            queueName = parameters.string(QUEUE, "postbridge-smtp");
            concurrency = parameters.integer(CONCURRENCY, 64, 1, 10_000);
            reportingMta = parameters.string(REPORTING_MTA).orElseGet(SmtpDelivery::hostName);
            poolSettings = SmtpPoolSettings.defaults()
                .connectionsPerRoute(parameters.integer(PER_DESTINATION, 4, 1, 1_000))
                .maxLifetime(parameters.duration(MAX_LIFETIME, Duration.ofSeconds(300), POSITIVE))
                .maxIdle(parameters.duration(MAX_IDLE, Duration.ofSeconds(2), POSITIVE))
                .maxMessages(parameters.integer(MAX_MESSAGES, 100, 1, 1_000_000))
                .connectTimeout(parameters.duration(CONNECT_TIMEOUT, Duration.ofSeconds(30), POSITIVE))
                .readTimeout(parameters.duration(READ_TIMEOUT, Duration.ofMinutes(5), POSITIVE))
                .heloName(parameters.string(HELO_NAME, reportingMta));
            Duration initial = parameters.duration(RETRY_INITIAL, Duration.ofMinutes(1), POSITIVE);
            Duration maximum = parameters.duration(RETRY_MAX, Duration.ofHours(1), POSITIVE);
            if (maximum.compareTo(initial) < 0) {
                throw parameters.problem(RETRY_MAX, "must not be shorter than " + RETRY_INITIAL + " (" + initial + "), was " + maximum);
            }
            retry = new RetryPolicy(initial, maximum, parameters.duration(RETRY_WINDOW, Duration.ofDays(5), POSITIVE));
            mxPort = parameters.integer(MX_PORT, 25, 1, 65535);
            onSuccess = parameters.string(ON_SUCCESS).filter(v -> !v.isBlank());
            onFailure = parameters.string(ON_FAILURE).filter(v -> !v.isBlank());
            takeOverQueue = parameters.string(TAKE_OVER_QUEUE).filter(v -> !v.isBlank());
            boolean inline = parameters.choice(FIRST_ATTEMPT, v -> "inline".equals(v) ? Optional.of(true)
                : "queued".equals(v) ? Optional.of(false) : Optional.empty(), "inline, queued").orElse(true);
            inlineAttempts = inline ? parameters.integer(INLINE_ATTEMPTS, 10, 1, 10_000) : 0;
            Optional<String> hosts = parameters.string(SMARTHOST).filter(s -> !s.isBlank());
            if (hosts.isPresent()) {
                SmtpSecurity security = parameters.choice(SMARTHOST_SECURITY, SmtpSecurity::fromWireName, "starttls, tls, plaintext")
                    .orElse(SmtpSecurity.STARTTLS);
                if (security == SmtpSecurity.OPPORTUNISTIC) {
                    throw parameters.problem(SMARTHOST_SECURITY, "a configured relay needs starttls or tls (opportunistic TLS is"
                        + " for MX hosts only)");
                }
                if (security == SmtpSecurity.PLAINTEXT && !parameters.bool(ALLOW_PLAINTEXT, false)) {
                    throw parameters.problem(SMARTHOST_SECURITY, "plaintext sends the mail (and any password) unencrypted; set <"
                        + ALLOW_PLAINTEXT + ">true</" + ALLOW_PLAINTEXT + "> to allow it (a relay on loopback, tests)");
                }
                Optional<String> username = parameters.string(SMARTHOST_USERNAME).filter(s -> !s.isBlank());
                Optional<String> password = parameters.string(SMARTHOST_PASSWORD).filter(s -> !s.isEmpty());
                if (username.isPresent() != password.isPresent()) {
                    throw parameters.problem(username.isPresent() ? SMARTHOST_PASSWORD : SMARTHOST_USERNAME,
                        "is needed with <" + (username.isPresent() ? SMARTHOST_USERNAME : SMARTHOST_PASSWORD) + ">");
                }
                for (String hostAndPort : hosts.get().split(",")) {
                    smarthosts.add(smarthost(parameters, hostAndPort.trim(), security, username, password));
                }
            }
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(SettingProblem.describe(SettingsReader.MAILET_CONTAINER, "mailet SmtpDelivery", e.getMessage()));
        }
        if (!QUEUES_IN_USE.add(queueName)) {
            throw new MessagingException(SettingProblem.describe(SettingsReader.MAILET_CONTAINER, "mailet SmtpDelivery <" + QUEUE + ">",
                "queue '" + queueName + "' is already used by another SmtpDelivery mailet; give each its own <" + QUEUE + ">"));
        }
        queue = queues.createQueue(MailQueueName.of(queueName));
        pool = new SmtpConnectionPool(poolSettings);
        pools.register(queueName, pool);
        pools.registerRelays(queueName, smarthosts);
        serverRoute = smarthosts.isEmpty() ? MetricNames.Route.MX : MetricNames.Route.SMARTHOST;
        accountRelayRoute = relay.routes().isEmpty() ? serverRoute : MetricNames.Route.SMARTHOST;
        // accounts' mail without an upstream of its own: the relay of postbridge.properties (smtp.relay.*), if set
        agent = new SmtpDeliveryAgent(new SmtpSender(pool), new JamesDns(dns), mxPort, smarthosts, relay.routes(), accounts, Clock.systemUTC());
        sending = Schedulers.newBoundedElastic(concurrency, 100_000, "postbridge-smtp-send");
        worker = new DeliveryQueueWorker("smtp", queue, this::attempt, events, getMailetContext(), retry,
            () -> new DeliveryStatusNotification(reportingMta, getMailetContext().getPostmaster().asString()), Clock.systemUTC())
            .outcomeProcessors(onSuccess, onFailure)
            .suppressionFeedback(new DeliveryFeedback(outcomes), DeliveryFeedback.Source.SMTP);
        worker.start(concurrency);
        inlinePermits = new Semaphore(inlineAttempts);
        takeOverQueue.filter(name -> !name.equals(queueName)).ifPresent(this::takeOver);
        LOGGER.info("Postbridge SMTP delivery: queue {}, {} messages at once, first attempt {}, {} connections per destination, {}{}",
            queueName, concurrency, inlineAttempts == 0 ? "queued" : "inline (" + inlineAttempts + " at once)",
            poolSettings.connectionsPerRoute(), smarthosts.isEmpty() ? "direct to MX"
                : "through " + smarthosts.stream().map(SmtpRoute::describe).collect(Collectors.joining(", ")),
            relay.configured() ? "; accounts without an upstream through " + relay : "");
    }

    private static SmtpRoute smarthost(SettingsReader parameters, String hostAndPort, SmtpSecurity security, Optional<String> username,
                                       Optional<String> password) throws SettingProblem.Invalid {
        int colon = hostAndPort.lastIndexOf(':');
        String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
        int port = security == SmtpSecurity.TLS ? 465 : 587;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(hostAndPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw parameters.problem(SMARTHOST, "expected host or host:port, was '" + hostAndPort + "'");
            }
        }
        if (host.isBlank() || port < 1 || port > 65535) {
            throw parameters.problem(SMARTHOST, "expected host or host:port (port 1-65535), was '" + hostAndPort + "'");
        }
        return SmtpRoute.smarthost(host, port, security, username, password);
    }

    /**
     * Moves what another delivery queue holds (RemoteDelivery's "outgoing", filled by a server that delivered with
     * RemoteDelivery before this one) into this mailet's queue, so mail queued before an upgrade is still delivered.
     * Each mail is acknowledged on the old queue only once it is on this one (at least once, never lost).
     */
    private void takeOver(String name) {
        MailQueue previous = queues.createQueue(MailQueueName.of(name));
        takeOver = Flux.from(previous.deQueue())
            .concatMap(item -> Mono.fromCallable(() -> {
                Mail mail = item.getMail();
                DeliveryQueueWorker.firstQueued(mail, Instant.now());
                queue.enQueue(mail);
                item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
                LOGGER.info("Postbridge SMTP delivery: took over {} from queue {}", mail.getName(), name);
                return mail.getName();
            }).onErrorResume(e -> {
                LOGGER.warn("Postbridge SMTP delivery: could not move a mail from queue {} (it stays there): {}", name, e.toString());
                return Mono.empty();
            }))
            .subscribeOn(Schedulers.boundedElastic())
            .subscribe();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        DeliveryQueueWorker.firstQueued(mail, Instant.now());
        // the spool acknowledges the mail only when this returns: a crash during the attempt leaves it in the spool
        if (inlinePermits.tryAcquire()) {
            try {
                worker.attemptBeforeQueueing(mail, () -> deliver(mail));
            } finally {
                inlinePermits.release();
            }
        } else {
            queue.enQueue(mail);
        }
        mail.setState(Mail.GHOST);
    }

    /** A queued attempt, on a sending thread (javax.mail blocks). */
    private CompletableFuture<RecipientOutcomes> attempt(Mail mail) {
        return Mono.fromCallable(() -> deliver(mail)).subscribeOn(sending).toFuture();
    }

    /** One attempt on the calling thread, counted and timed per route. */
    private RecipientOutcomes deliver(Mail mail) {
        OutgoingMail outgoing;
        try {
            outgoing = new OutgoingMail(mail.getName(), mail.getMaybeSender().asOptional().map(MailAddress::asString),
                DeliveryQueueWorker.recipients(mail), MailContent.bytes(mail));
        } catch (Exception e) {
            return RecipientOutcomes.all(DeliveryQueueWorker.recipients(mail), DeliveryOutcome.permanentFailure(
                "the queued message cannot be read: " + e.getMessage(), "5.6.0"));
        }
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        Optional<SmtpUpstream> upstream;
        try {
            upstream = account.flatMap(name -> accounts.forMail(name, ApiDeliveryWorker.sealedAppSecret(mail)))
                .filter(a -> a.kind() == ProviderAccount.Kind.SMTP).flatMap(ProviderAccount::smtpUpstream);
            if (account.isEmpty()) {
                // no account (forwarded mail, DSNs): the server-wide route
                return metrics.measure(serverRoute, () -> agent.deliver(outgoing));
            }
            if (upstream.isEmpty()) {
                // no smtp settings: the accounts' default relay
                return metrics.measure(accountRelayRoute, () -> agent.deliverForAccount(outgoing));
            }
            return metrics.measure(MetricNames.Route.SMTP_UPSTREAM, () -> agent.deliver(account.get(), upstream.get(), outgoing));
        } catch (RuntimeException e) {
            // incomplete settings, store unavailable: an operator can fix it within the retry window
            return RecipientOutcomes.all(outgoing.recipients(), DeliveryOutcome.transientFailure(e.getMessage(), Optional.empty()));
        }
    }

    /**
     * The bytes as the durable queue stores them (an unmodified message's own stream), so the first attempt, made on
     * the spool's copy of the mail, sends what a queued attempt sends: the message as DkimSign left it.
     */
    @Override
    public void destroy() {
        if (takeOver != null) {
            takeOver.dispose();
        }
        if (worker != null) {
            worker.close();
        }
        if (sending != null) {
            sending.dispose();
        }
        if (pool != null) {
            pools.unregister(queueName);
            pool.close();
        }
        if (queueName != null) {
            QUEUES_IN_USE.remove(queueName);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: SMTP delivery on pooled connections (direct MX or smarthost)";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    /** James's DNS service as direct delivery needs it (it already sorts MX by preference and adds the implicit MX). */
    private static final class JamesDns implements MailExchangers {
        private final DNSService dns;

        JamesDns(DNSService dns) {
            this.dns = dns;
        }

        @Override
        public List<String> mailExchangers(String domain) throws TemporaryFailure {
            try {
                return new ArrayList<>(dns.findMXRecords(domain));
            } catch (TemporaryResolutionException e) {
                throw new TemporaryFailure(String.valueOf(e.getMessage()), e);
            }
        }

        @Override
        public List<String> addresses(String host) {
            try {
                return dns.getAllByName(host).stream().map(InetAddress::getHostAddress).collect(Collectors.toList());
            } catch (UnknownHostException e) {
                return List.of();
            }
        }
    }
}
