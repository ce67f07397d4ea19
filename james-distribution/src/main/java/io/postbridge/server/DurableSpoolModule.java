package io.postbridge.server;

import java.io.FileNotFoundException;

import javax.inject.Singleton;
import javax.jms.ConnectionFactory;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.activemq.ActiveMQConfiguration;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollector;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorImpl;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import io.postbridge.server.spool.DurableBroker;
import io.postbridge.server.spool.DurableMailQueueFactory;

/**
 * Replaces the memory app's in-memory mail queues with embedded ActiveMQ persisted by KahaDB under
 * {@code var/store/activemq}: a message that got its 250 survives a crash ({@code kill -9}). The queues are
 * {@link io.postbridge.server.spool.DurableMailQueue}s (group commit, long-lived consumers, scheduled delays); the
 * other bindings are those of James's {@code ActiveMQQueueModule}, which is not published as a jar for 3.8.1.
 */
public class DurableSpoolModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(DurableSpoolModule.class);
    private static final String FILENAME = "activemq";

    @Override
    protected void configure() {
        bind(DurableBroker.class).in(Scopes.SINGLETON);
        bind(DurableMailQueueFactory.class).in(Scopes.SINGLETON);
        bind(ActiveMQMetricCollector.class).to(ActiveMQMetricCollectorImpl.class);
        bind(ActiveMQMetricCollectorImpl.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ActiveMQHealthCheck.class);
    }

    @Provides
    @Singleton
    ConnectionFactory connectionFactory(DurableBroker broker) {
        return broker.connectionFactory();
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableMailQueueFactory(DurableMailQueueFactory factory) {
        factory.setUseJMX(false);
        factory.init();
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> mailQueueFactory(MailQueueFactory<? extends ManageableMailQueue> factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> mailQueueFactoryGenerics(DurableMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    ActiveMQConfiguration activeMQConfiguration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return ActiveMQConfiguration.from(propertiesProvider.getConfigurations(FILENAME));
        } catch (FileNotFoundException e) {
            LOGGER.info("No {}.properties: default ActiveMQ settings", FILENAME);
            return ActiveMQConfiguration.getDefault();
        }
    }

    @ProvidesIntoSet
    InitializationOperation startMetricCollector(ActiveMQMetricCollector metricCollector) {
        return InitilizationOperationBuilder
            .forClass(ActiveMQMetricCollector.class)
            .init(metricCollector::start);
    }
}
