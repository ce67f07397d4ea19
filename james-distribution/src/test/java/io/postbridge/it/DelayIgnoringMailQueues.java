package io.postbridge.it;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import javax.inject.Singleton;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Provides;

/**
 * The server's own (durable) queues, except that one named queue hands mail back at once whatever delay it was
 * enqueued with: what James 3.8.1's RabbitMQ mail queue, the queue of a James cluster, does. Lets an in-process test
 * show how Postbridge behaves on that queue without a RabbitMQ + Cassandra cluster. The queue itself is the real
 * one; only the delay argument is dropped, as RabbitMQ's implementation drops it.
 */
public final class DelayIgnoringMailQueues implements MailQueueFactory<MailQueue> {
    private final MailQueueFactory<? extends ManageableMailQueue> delegate;
    private final MailQueueName ignoringDelays;

    private DelayIgnoringMailQueues(MailQueueFactory<? extends ManageableMailQueue> delegate, MailQueueName ignoringDelays) {
        this.delegate = delegate;
        this.ignoringDelays = ignoringDelays;
    }

    /** Overrides the {@code MailQueueFactory<?>} that mailets such as ApiDelivery receive. */
    public static Module forQueue(String name) {
        return new AbstractModule() {
            @Provides
            @Singleton
            MailQueueFactory<?> mailQueueFactory(MailQueueFactory<? extends ManageableMailQueue> durable) {
                return new DelayIgnoringMailQueues(durable, MailQueueName.of(name));
            }
        };
    }

    @Override
    public Optional<MailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return delegate.getQueue(name, count).map(queue -> wrap(name, queue));
    }

    @Override
    public MailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return wrap(name, delegate.createQueue(name, count));
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return delegate.listCreatedMailQueues();
    }

    private MailQueue wrap(MailQueueName name, MailQueue queue) {
        return name.equals(ignoringDelays) ? new NoDelays(queue) : queue;
    }

    private static final class NoDelays implements MailQueue {
        private final MailQueue queue;

        NoDelays(MailQueue queue) {
            this.queue = queue;
        }

        @Override
        public MailQueueName getName() {
            return queue.getName();
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            queue.enQueue(mail);
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            queue.enQueue(mail);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            return queue.enqueueReactive(mail);
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return queue.deQueue();
        }

        @Override
        public void close() throws java.io.IOException {
            queue.close();
        }
    }
}
