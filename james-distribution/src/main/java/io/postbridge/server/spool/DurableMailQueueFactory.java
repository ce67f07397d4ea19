package io.postbridge.server.spool;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.library.AbstractMailQueueFactory;

/** Creates the spool's {@link DurableMailQueue}s, one per name, on the one {@link DurableBroker}. */
public final class DurableMailQueueFactory extends AbstractMailQueueFactory<ManageableMailQueue> {
    private final DurableBroker broker;
    private final MailQueueItemDecoratorFactory decorators;
    private final MetricFactory metricFactory;
    private final GaugeRegistry gaugeRegistry;
    private final ActiveMQMetricCollector metricCollector;

    @Inject
    public DurableMailQueueFactory(DurableBroker broker, MailQueueItemDecoratorFactory decorators, MetricFactory metricFactory,
                                   GaugeRegistry gaugeRegistry, ActiveMQMetricCollector metricCollector) {
        this.broker = broker;
        this.decorators = decorators;
        this.metricFactory = metricFactory;
        this.gaugeRegistry = gaugeRegistry;
        this.metricCollector = metricCollector;
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        metricCollector.collectQueueStatistics(name);
        return new DurableMailQueue(broker.connectionFactory(), broker, decorators, name, metricFactory, gaugeRegistry);
    }
}
