package io.postbridge.mailets;

import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.mail.MessagingException;

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
import io.postbridge.core.delivery.ApiEndpoints;
import io.postbridge.core.delivery.ApiSender;
import io.postbridge.core.delivery.DeliveryProvider;
import io.postbridge.core.delivery.DeliveryStatusNotification;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.delivery.RetryPolicy;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.suppression.BounceOutcomes;
import io.postbridge.core.suppression.DeliveryFeedback;
import io.postbridge.core.oauth.TokenCache;

/**
 * Delivers the mail of Gmail and Graph accounts through the provider APIs. {@code service()} only puts the mail into
 * a durable James mail queue (default {@code postbridge-api}) and returns, so the spooler is never blocked by the
 * network; a worker started with this mailet delivers from that queue asynchronously (see {@link DeliveryQueueWorker},
 * whose queue, retry, DSN and event rules {@link SmtpDelivery} shares).
 * Mail of accounts without Gmail/Graph settings passes on unchanged to the next mailet.
 *
 * <pre>{@code
 * <mailet match="All" class="io.postbridge.mailets.ApiDelivery">
 *     <queue>postbridge-api</queue>                  <!-- James mail queue holding mail until it is delivered -->
 *     <concurrency>64</concurrency>                  <!-- messages in delivery at once, all accounts -->
 *     <perAccountConcurrency>8</perAccountConcurrency>
 *     <perMailboxConcurrency>4</perMailboxConcurrency> <!-- Graph allows 4 concurrent requests per mailbox -->
 *     <retryInitialDelay>1 minute</retryInitialDelay> <!-- then doubling, with jitter, honouring Retry-After -->
 *     <retryMaxDelay>1 hour</retryMaxDelay>
 *     <retryWindow>2 days</retryWindow>              <!-- after that: DSN to the sender -->
 *     <requestTimeout>120 seconds</requestTimeout>
 *     <!-- endpoints (defaults: the real services); point them at fakes for tests and staging -->
 *     <googleTokenEndpoint>https://oauth2.googleapis.com/token</googleTokenEndpoint>
 *     <gmailEndpoint>https://gmail.googleapis.com</gmailEndpoint>
 *     <graphEndpoint>https://graph.microsoft.com/v1.0</graphEndpoint>
 *     <microsoftAuthority>https://login.microsoftonline.com/</microsoftAuthority>
 *     <microsoftIdentityEndpoint></microsoftIdentityEndpoint> <!-- optional: send identity requests here instead -->
 * </mailet>
 * }</pre>
 */
public class ApiDelivery extends GenericMailet {
    static final String QUEUE = "queue";
    static final String CONCURRENCY = "concurrency";
    static final String PER_ACCOUNT = "perAccountConcurrency";
    static final String PER_MAILBOX = "perMailboxConcurrency";
    static final String RETRY_INITIAL = "retryInitialDelay";
    static final String RETRY_MAX = "retryMaxDelay";
    static final String RETRY_WINDOW = "retryWindow";
    static final String REQUEST_TIMEOUT = "requestTimeout";
    static final String GOOGLE_TOKEN = "googleTokenEndpoint";
    static final String GMAIL = "gmailEndpoint";
    static final String GRAPH = "graphEndpoint";
    static final String MICROSOFT_AUTHORITY = "microsoftAuthority";
    static final String MICROSOFT_IDENTITY = "microsoftIdentityEndpoint";
    static final String GRAPH_SENDMAIL_LIMIT = "graphSendMailLimit";
    static final String REPORTING_MTA = "reportingMta";
    private static final Set<String> PARAMETERS = Set.of(QUEUE, CONCURRENCY, PER_ACCOUNT, PER_MAILBOX, RETRY_INITIAL, RETRY_MAX,
        RETRY_WINDOW, REQUEST_TIMEOUT, GOOGLE_TOKEN, GMAIL, GRAPH, MICROSOFT_AUTHORITY, MICROSOFT_IDENTITY, GRAPH_SENDMAIL_LIMIT,
        REPORTING_MTA);
    private static final Duration POSITIVE = Duration.ofMillis(1);
    private static final Set<String> HTTP = Set.of("http", "https");
    /** One worker per queue in this JVM: two ApiDelivery mailets on one queue would split its limits. */
    private static final Set<String> QUEUES_IN_USE = ConcurrentHashMap.newKeySet();
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiDelivery.class);

    private final ProviderAccounts accounts;
    private final MailEventLog events;
    private final BounceOutcomes outcomes;
    private final MailQueueFactory<?> queues;
    private final TokenCache tokens;
    private io.postbridge.core.metrics.PostbridgeMetrics metrics = io.postbridge.core.metrics.PostbridgeMetrics.NONE;
    private MailQueue queue;
    private String queueName;
    private ApiSender sender;
    private DeliveryQueueWorker worker;

    /** @param tokens the server's token cache, shared with SMTP AUTH (one token request per app for both) */
    @Inject
    public ApiDelivery(ProviderAccounts accounts, MailEventLog events, MailQueueFactory<?> queues, TokenCache tokens,
                       BounceOutcomes outcomes) {
        this.outcomes = outcomes;
        this.accounts = accounts;
        this.events = events;
        this.queues = queues;
        this.tokens = tokens;
    }

    /** Delivery counters and latency per route (docs/observability.md). */
    @Inject
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init() throws MessagingException {
        int concurrency;
        int perAccount;
        int perMailbox;
        Duration initial;
        Duration maximum;
        Duration window;
        ApiEndpoints endpoints;
        String reportingMta;
        try {
            SettingsReader parameters = MailetParameters.read(this, PARAMETERS);
            queueName = parameters.string(QUEUE, "postbridge-api");
            concurrency = parameters.integer(CONCURRENCY, 64, 1, 10_000);
            perAccount = parameters.integer(PER_ACCOUNT, 8, 1, 1_000);
            perMailbox = parameters.integer(PER_MAILBOX, 4, 1, 100);
            initial = parameters.duration(RETRY_INITIAL, Duration.ofMinutes(1), POSITIVE);
            maximum = parameters.duration(RETRY_MAX, Duration.ofHours(1), POSITIVE);
            window = parameters.duration(RETRY_WINDOW, Duration.ofDays(2), POSITIVE);
            if (maximum.compareTo(initial) < 0) {
                throw parameters.problem(RETRY_MAX, "must not be shorter than " + RETRY_INITIAL + " (" + initial + "), was " + maximum);
            }
            endpoints = ApiEndpoints.defaults()
                .requestTimeout(parameters.duration(REQUEST_TIMEOUT, Duration.ofSeconds(120), POSITIVE));
            parameters.uri(GOOGLE_TOKEN, HTTP).ifPresent(endpoints::googleTokenUri);
            parameters.uri(GMAIL, HTTP).ifPresent(endpoints::gmailBase);
            parameters.uri(GRAPH, HTTP).ifPresent(endpoints::graphBase);
            Optional<URI> authority = parameters.uri(MICROSOFT_AUTHORITY, HTTP);
            if (authority.isPresent() && !"https".equalsIgnoreCase(authority.get().getScheme())) {
                throw parameters.problem(MICROSOFT_AUTHORITY, "must be an https URL (msal4j accepts no other); to use a local "
                    + "http fake, set <" + MICROSOFT_IDENTITY + "> instead");
            }
            authority.ifPresent(endpoints::microsoftAuthority);
            endpoints.microsoftIdentityOverride(parameters.uri(MICROSOFT_IDENTITY, HTTP));
            parameters.integer(GRAPH_SENDMAIL_LIMIT, 1024, 3_000_000).ifPresent(endpoints::graphSendMailLimit);
            reportingMta = parameters.string(REPORTING_MTA).orElseGet(ApiDelivery::hostName);
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }

        if (!QUEUES_IN_USE.add(queueName)) {
            throw problem(QUEUE, "queue '" + queueName + "' is already used by another ApiDelivery mailet; give each its own <"
                + QUEUE + ">");
        }
        queue = queues.createQueue(MailQueueName.of(queueName));
        sender = new ApiSender(accounts, endpoints, tokens, perAccount, perMailbox, Clock.systemUTC());
        try {
            sender.selfCheck();
        } catch (RuntimeException | LinkageError e) {
            QUEUES_IN_USE.remove(queueName);
            throw new MessagingException("Postbridge API delivery cannot load its token libraries (google-auth-library,"
                + " msal4j): " + e, e instanceof Exception ? (Exception) e : null);
        }
        worker = new DeliveryQueueWorker("api", queue, new ApiDeliveryWorker(sender, accounts, new io.postbridge.core.metrics.DeliveryMetrics(metrics)), events, getMailetContext(),
            new RetryPolicy(initial, maximum, window),
            // the postmaster is known only once the whole mailet container is configured: read it when bouncing
            () -> new DeliveryStatusNotification(reportingMta, getMailetContext().getPostmaster().asString()), Clock.systemUTC())
            .suppressionFeedback(new DeliveryFeedback(outcomes), DeliveryFeedback.Source.PROVIDER);
        worker.start(concurrency);
        LOGGER.info("Postbridge API delivery: queue {}, {} messages at once ({} per account, {} per mailbox), retries for {}",
            queueName, concurrency, perAccount, perMailbox, window);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        Optional<DeliveryProvider> provider = account.flatMap(name -> accounts.providerOf(name, ApiDeliveryWorker.sealedAppSecret(mail)))
            .filter(p -> p != DeliveryProvider.SMTP);
        if (provider.isEmpty()) {
            return; // not an API account: the next mailet (RemoteDelivery) handles it
        }
        DeliveryQueueWorker.firstQueued(mail, Instant.now());
        // recorded before enQueue: a worker may deliver (and record "delivered") before enQueue returns
        events.record(MailEvents.of(mail, MailEventType.QUEUED, Instant.now()).account(account)
            .detail("for " + provider.get().wireName() + " API delivery").build());
        queue.enQueue(mail);
        mail.setState(Mail.GHOST);
    }

    @Override
    public void destroy() {
        if (worker != null) {
            worker.close();
        }
        if (sender != null) {
            sender.close();
        }
        if (queueName != null) {
            QUEUES_IN_USE.remove(queueName);
        }
    }

    /** Token requests per account since start (for the benchmark). */
    public java.util.Map<String, Long> tokenRequestsByAccount() {
        return sender == null ? java.util.Map.of() : sender.tokenRequestsByAccount();
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: delivers through the Gmail API and Microsoft Graph";
    }

    private MessagingException problem(String parameter, String what) {
        return new MessagingException(SettingProblem.describe("mailetcontainer.xml",
            "mailet " + getClass().getSimpleName() + " <" + parameter + ">", what));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
