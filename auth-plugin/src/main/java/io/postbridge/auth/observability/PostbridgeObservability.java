package io.postbridge.auth.observability;

import java.time.Duration;
import java.util.List;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.delivery.smtp.SmtpConnectionPool;
import io.postbridge.core.delivery.smtp.SmtpPools;
import io.postbridge.core.metrics.ActivitySummary;
import io.postbridge.core.metrics.MetricNames;
import io.postbridge.core.metrics.PostbridgeMetrics;

/**
 * Started by James after its own services ({@code guice.extension.startable} in conf/extensions.properties):
 * registers Postbridge's gauges (queue depths, SMTP pool connections, webhook backlog, accounts needing a new
 * consent) and starts the console's one-line-per-minute activity summary. Counters need no start: they are
 * recorded as mail flows.
 */
@Singleton
public class PostbridgeObservability implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(PostbridgeObservability.class);
    private static final Duration QUEUE_TTL = Duration.ofSeconds(5);
    private static final Duration STORE_TTL = Duration.ofSeconds(15);

    private final PostbridgeMetrics metrics;
    private final MailQueueFactory<?> queues;
    private final SmtpPools pools;
    private final PostbridgeBackend backend;
    private final ProviderAccounts accounts;
    private final ActivityLog activity;

    @Inject
    public PostbridgeObservability(PostbridgeMetrics metrics, ActivitySummary summary, MailQueueFactory<?> queues, SmtpPools pools,
                                   PostbridgeBackend backend, ProviderAccounts accounts) {
        this.metrics = metrics;
        this.queues = queues;
        this.pools = pools;
        this.backend = backend;
        this.accounts = accounts;
        this.activity = new ActivityLog(summary);
    }

    @Override
    public void start() {
        for (MailQueueName queue : queues.listCreatedMailQueues()) {
            String name = MetricNames.queueDepth(queue.asString());
            metrics.gauge(name, new CachedGauge(name, QUEUE_TTL, () -> queues.getQueue(queue)
                .filter(q -> q instanceof ManageableMailQueue)
                .map(q -> {
                    try {
                        return ((ManageableMailQueue) q).getSize();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).orElse(-1L)));
        }
        metrics.gauge(MetricNames.POOL_OPEN, () -> poolSum(SmtpConnectionPool.PoolStatus::open));
        metrics.gauge(MetricNames.POOL_IDLE, () -> poolSum(SmtpConnectionPool.PoolStatus::idle));
        // a connection's first message is no reuse: reuses = messages sent - connections opened
        metrics.gauge(MetricNames.POOL_REUSED, () -> poolSum(s -> Math.max(0, s.messagesSent() - s.connectionsOpened())));
        metrics.gauge(MetricNames.WEBHOOK_BACKLOG, new CachedGauge(MetricNames.WEBHOOK_BACKLOG, STORE_TTL, backend::webhookBacklog));
        metrics.gauge(MetricNames.ACCOUNTS_RECONSENT, new CachedGauge(MetricNames.ACCOUNTS_RECONSENT, STORE_TTL,
            () -> accounts.awaitingReconsent().size()));
        activity.start();
        LOGGER.info("Postbridge metrics registered (queues {}); WebAdmin GET /metrics serves them when MetricsRoutes is enabled",
            queues.listCreatedMailQueues());
    }

    private long poolSum(java.util.function.ToLongFunction<SmtpConnectionPool.PoolStatus> field) {
        return pools.status().values().stream().flatMap(List::stream).mapToLong(field).sum();
    }

    @PreDestroy
    public void stop() {
        activity.stop();
    }
}
