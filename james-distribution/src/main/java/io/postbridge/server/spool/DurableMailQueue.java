package io.postbridge.server.spool;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.jms.Connection;
import javax.jms.ConnectionFactory;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.MessageProducer;
import javax.jms.ObjectMessage;
import javax.jms.Queue;
import javax.jms.Session;
import javax.mail.MessagingException;

import org.apache.activemq.ScheduledMessage;
import org.apache.activemq.broker.scheduler.Job;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.activemq.command.ActiveMQDestination;
import org.apache.activemq.command.ActiveMQMessage;
import org.apache.activemq.openwire.OpenWireFormat;
import org.apache.activemq.util.ByteSequence;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Splitter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's ActiveMQ mail queue (same message format, so mail queued by earlier versions is read as it is), without
 * its bottlenecks:
 * <ul>
 * <li>enqueue: a pool of producers, each on its own connection, instead of one session shared by every SMTP thread.
 * Concurrent persistent sends reach KahaDB together and share its journal's fsync (group commit); each send returns
 * only once the message is synced. The body travels inside the message (the journal), not as a separate blob file
 * that nobody syncs;</li>
 * <li>dequeue: long-lived transacted consumers without a selector, reused from a pool, instead of a new session and
 * selector consumer per message;</li>
 * <li>delays: mail with a next delivery in the future goes to the broker's persistent scheduler, which releases it
 * into the queue when it is due (instead of a {@code JAMES_NEXT_DELIVERY <= now} selector polled every 10 s). Mail
 * waiting there is still listed, counted, flushed and removed by the {@link ManageableMailQueue} operations.</li>
 * </ul>
 */
final class DurableMailQueue extends ActiveMQCacheableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(DurableMailQueue.class);
    /** Mail due within this margin is delivered now rather than scheduled (clock granularity, scheduler rounding). */
    private static final long DUE_MARGIN_MS = 50;
    private static final long RECEIVE_TIMEOUT_MS = 1000;
    private static final Splitter RECIPIENTS = Splitter.on(JAMES_MAIL_SEPARATOR).omitEmptyStrings().trimResults();

    private final ConnectionFactory connectionFactory;
    private final DurableBroker broker;
    private final ActiveMQDestination destination;
    private final ConcurrentLinkedQueue<Producer> producers = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Consumer> consumers = new ConcurrentLinkedQueue<>();
    private final Flux<MailQueueItem> dequeue;
    private volatile boolean disposed;

    DurableMailQueue(ConnectionFactory connectionFactory, DurableBroker broker,
                     MailQueueItemDecoratorFactory decorators, MailQueueName name,
                     MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(connectionFactory, decorators, name, false, metricFactory, gaugeRegistry);
        this.connectionFactory = connectionFactory;
        this.broker = broker;
        this.destination = ActiveMQDestination.createDestination(name.asString(), ActiveMQDestination.QUEUE_TYPE);
        this.dequeue = Mono.defer(this::dequeueOne).repeat(() -> !disposed);
    }

    // ------------------------------------------------------------------ enqueue

    @Override
    protected void produceMail(Map<String, Object> props, int priority, Mail mail) throws JMSException, MessagingException, IOException {
        long size = mail.getMessageSize();
        ByteArrayOutputStream body = new ByteArrayOutputStream(size > 0 && size < Integer.MAX_VALUE ? (int) size : 8192);
        // the bytes as the previous server's queue stored them (MimeMessageInputStream: an unmodified message's own
        // stream); MimeMessage.writeTo re-serialises the headers of a copy and lost MIME-Version on the way
        try (InputStream content = new MimeMessageInputStream(mail.getMessage())) {
            content.transferTo(body);
        }

        Producer producer = producers.poll();
        if (producer == null) {
            producer = new Producer();
        }
        boolean healthy = false;
        try {
            ObjectMessage message = producer.session.createObjectMessage();
            for (Map.Entry<String, Object> entry : props.entrySet()) {
                message.setObjectProperty(entry.getKey(), entry.getValue());
            }
            message.setObject(body.toByteArray());
            long delay = delayUntil(props.get(JAMES_NEXT_DELIVERY));
            if (delay > 0) {
                message.setLongProperty(ScheduledMessage.AMQ_SCHEDULED_DELAY, delay);
            }
            producer.producer.send(message, DeliveryMode.PERSISTENT, priority, Message.DEFAULT_TIME_TO_LIVE);
            healthy = true;
        } finally {
            if (healthy && !disposed) {
                producers.offer(producer);
            } else {
                producer.close();
            }
        }
    }

    private static long delayUntil(Object nextDelivery) {
        if (!(nextDelivery instanceof Long)) {
            return 0;
        }
        long delay = (Long) nextDelivery - System.currentTimeMillis();
        return delay > DUE_MARGIN_MS ? delay : 0;
    }

    // ------------------------------------------------------------------ dequeue

    @Override
    public Flux<MailQueueItem> deQueue() {
        return dequeue;
    }

    private Mono<MailQueueItem> dequeueOne() {
        Consumer consumer = consumers.poll();
        try {
            if (consumer == null) {
                consumer = new Consumer();
            }
            Message message = consumer.consumer.receive(RECEIVE_TIMEOUT_MS);
            if (message == null) {
                release(consumer);
                return Mono.empty();
            }
            if (!isDue(message)) {
                // queued by an earlier version with a delay (a selector kept it back): hand it to the scheduler
                reschedule(consumer.session, message);
                consumer.session.commit();
                release(consumer);
                return Mono.empty();
            }
            dequeuedMailsMetric.increment();
            Mail mail;
            try {
                mail = createMail(message);
            } catch (MessagingException e) {
                if (e.getCause() instanceof FileNotFoundException) {
                    LOGGER.warn("The body of queued mail {} cannot be found, discarding it", message.getStringProperty(JAMES_MAIL_NAME), e);
                    consumer.session.commit();
                    release(consumer);
                    return Mono.empty();
                }
                throw e;
            }
            return Mono.just(mailQueueItemDecoratorFactory.decorate(new Item(mail, consumer, message), queueName));
        } catch (Exception e) {
            if (consumer != null) {
                rollback(consumer.session);
                consumer.close();
            }
            if (disposed) {
                return Mono.empty();
            }
            if (interrupted(e)) {
                // the reader cancelled its subscription (a stop): its scheduler interrupts the waiting receive. Not an
                // error: reported as one, it reached nobody and Reactor logged it as dropped on every stop
                Thread.interrupted();
                LOGGER.debug("Dequeue from {} interrupted: the reader stopped", queueName);
                return Mono.empty();
            }
            return Mono.error(new MailQueueException("Unable to dequeue next message", e));
        }
    }

    private static boolean interrupted(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof java.io.InterruptedIOException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    private void release(Consumer consumer) {
        if (disposed) {
            consumer.close();
        } else {
            consumers.offer(consumer);
        }
    }

    private static boolean isDue(Message message) throws JMSException {
        if (message.propertyExists(ScheduledMessage.AMQ_SCHEDULED_ID) || message.propertyExists(FORCE_DELIVERY)) {
            return true; // released by the scheduler, or flushed
        }
        if (!message.propertyExists(JAMES_NEXT_DELIVERY)) {
            return true;
        }
        return message.getLongProperty(JAMES_NEXT_DELIVERY) <= System.currentTimeMillis() + DUE_MARGIN_MS;
    }

    private void reschedule(Session session, Message message) throws JMSException {
        Message copy = copyWithoutSchedule(session, message);
        long delay = Math.max(1, message.getLongProperty(JAMES_NEXT_DELIVERY) - System.currentTimeMillis());
        copy.setLongProperty(ScheduledMessage.AMQ_SCHEDULED_DELAY, delay);
        MessageProducer producer = session.createProducer(session.createQueue(queueName.asString()));
        try {
            producer.send(copy, DeliveryMode.PERSISTENT, message.getJMSPriority(), Message.DEFAULT_TIME_TO_LIVE);
        } finally {
            producer.close();
        }
    }

    private Message copyWithoutSchedule(Session session, Message message) throws JMSException {
        Message copy = copy(session, message);
        List<String> scheduling = new ArrayList<>();
        for (Enumeration<?> names = copy.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (name.startsWith("AMQ_SCHEDULED")) {
                scheduling.add(name);
            }
        }
        if (!scheduling.isEmpty() && copy instanceof ActiveMQMessage) {
            for (String name : scheduling) {
                try {
                    ((ActiveMQMessage) copy).removeProperty(name);
                } catch (IOException e) {
                    throw new JMSException("cannot copy message: " + e.getMessage());
                }
            }
        }
        return copy;
    }

    /** One dequeued mail: its consumer's transaction stays open until James says how processing went. */
    private final class Item implements MailQueueItem {
        private final Mail mail;
        private final Consumer consumer;
        private final Message message;

        Item(Mail mail, Consumer consumer, Message message) {
            this.mail = mail;
            this.consumer = consumer;
            this.message = message;
        }

        @Override
        public Mail getMail() {
            return mail;
        }

        @Override
        public void done(CompletionStatus status) throws MailQueueException {
            try {
                if (status == CompletionStatus.SUCCESS) {
                    consumer.session.commit();
                    if (message instanceof ActiveMQBlobMessage) {
                        deleteBlob((ActiveMQBlobMessage) message);
                    }
                } else {
                    consumer.session.rollback();
                }
                release(consumer);
            } catch (JMSException e) {
                consumer.close();
                throw new MailQueueException("Unable to commit dequeue operation for mail " + mail.getName(), e);
            }
        }
    }

    private static void deleteBlob(ActiveMQBlobMessage message) {
        try {
            message.deleteFile();
        } catch (IOException | JMSException e) {
            LOGGER.warn("Unable to delete the body file of queued mail", e);
        }
    }

    // ------------------------------------------------------------------ management: the queue plus the scheduler

    @Override
    public long getSize() throws MailQueueException {
        return super.getSize() + scheduledJobs().size();
    }

    @Override
    public long flush() throws MailQueueException {
        return super.flush() + eachScheduled(scheduled -> true, this::releaseNow);
    }

    @Override
    public long clear() throws MailQueueException {
        return super.clear() + eachScheduled(scheduled -> true, this::removeJob);
    }

    @Override
    public long remove(Type type, String value) throws MailQueueException {
        return super.remove(type, value) + eachScheduled(scheduled -> matches(scheduled.message, type, value), this::removeJob);
    }

    /** What the management operations do to the mail waiting in the scheduler. */
    private interface ScheduledStep<T> {
        T apply(Scheduled scheduled) throws MailQueueException;
    }

    /** Applies {@code action} to each scheduled mail {@code which} selects; how many it was applied to. */
    private long eachScheduled(ScheduledStep<Boolean> which, VoidStep action) throws MailQueueException {
        long count = 0;
        for (Scheduled scheduled : scheduledJobs()) {
            if (which.apply(scheduled)) {
                action.apply(scheduled);
                count++;
            }
        }
        return count;
    }

    private interface VoidStep {
        void apply(Scheduled scheduled) throws MailQueueException;
    }

    private static boolean matches(ActiveMQMessage message, Type type, String value) throws MailQueueException {
        try {
            switch (type) {
                case Name:
                    return value.equals(message.getStringProperty(JAMES_MAIL_NAME));
                case Sender:
                    return value.equals(message.getStringProperty(JAMES_MAIL_SENDER));
                case Recipient:
                    String recipients = message.getStringProperty(JAMES_MAIL_RECIPIENTS);
                    return recipients != null && RECIPIENTS.splitToList(recipients).contains(value);
                default:
                    return false;
            }
        } catch (JMSException e) {
            throw new MailQueueException("Unable to read scheduled mail", e);
        }
    }

    @Override
    public MailQueueIterator browse() throws MailQueueException {
        MailQueueIterator queued = super.browse();
        Iterator<Scheduled> scheduled = scheduledJobs().iterator();
        return new MailQueueIterator() {
            @Override
            public boolean hasNext() {
                return queued.hasNext() || scheduled.hasNext();
            }

            @Override
            public ManageableMailQueue.MailQueueItemView next() {
                if (queued.hasNext()) {
                    return queued.next();
                }
                while (scheduled.hasNext()) {
                    Scheduled next = scheduled.next();
                    try {
                        return new DefaultMailQueueItemView(createMail(next.message),
                            Instant.ofEpochMilli(next.message.getLongProperty(JAMES_NEXT_DELIVERY)).atZone(ZoneId.systemDefault()));
                    } catch (MessagingException | JMSException e) {
                        LOGGER.error("Unable to browse scheduled mail of queue {}", queueName.asString(), e);
                    }
                }
                throw new NoSuchElementException();
            }

            @Override
            public void close() {
                queued.close();
            }
        };
    }

    /** Mail of this queue waiting in the broker's scheduler. */
    private List<Scheduled> scheduledJobs() throws MailQueueException {
        try {
            OpenWireFormat wireFormat = new OpenWireFormat();
            List<Scheduled> result = new ArrayList<>();
            for (Job job : broker.scheduler().getAllJobs()) {
                ActiveMQMessage message = (ActiveMQMessage) wireFormat.unmarshal(new ByteSequence(job.getPayload()));
                if (destination.equals(message.getDestination())) {
                    message.setReadOnlyProperties(false);
                    result.add(new Scheduled(job.getJobId(), message));
                }
            }
            return result;
        } catch (Exception e) {
            throw new MailQueueException("Unable to read the scheduled mail of queue " + queueName.asString(), e);
        }
    }

    /** Sends a copy now (at least once: the copy is on disk before the scheduled original goes). */
    private void releaseNow(Scheduled scheduled) throws MailQueueException {
        try {
            Connection connection = connectionFactory.createConnection();
            try {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(queueName.asString()));
                Message copy = copyWithoutSchedule(session, scheduled.message);
                copy.setBooleanProperty(FORCE_DELIVERY, true);
                copy.setLongProperty(JAMES_NEXT_DELIVERY, System.currentTimeMillis());
                producer.send(copy, DeliveryMode.PERSISTENT, scheduled.message.getJMSPriority(), Message.DEFAULT_TIME_TO_LIVE);
            } finally {
                connection.close();
            }
            broker.scheduler().remove(scheduled.jobId);
        } catch (Exception e) {
            throw new MailQueueException("Unable to flush scheduled mail of queue " + queueName.asString(), e);
        }
    }

    private void removeJob(Scheduled scheduled) throws MailQueueException {
        try {
            broker.scheduler().remove(scheduled.jobId);
        } catch (Exception e) {
            throw new MailQueueException("Unable to remove scheduled mail of queue " + queueName.asString(), e);
        }
    }

    private static final class Scheduled {
        private final String jobId;
        private final ActiveMQMessage message;

        Scheduled(String jobId, ActiveMQMessage message) {
            this.jobId = jobId;
            this.message = message;
        }
    }

    // ------------------------------------------------------------------ pooled JMS resources

    /** A connection of its own: the broker handles the commands of one connection one after the other. */
    private final class Producer {
        private final Connection connection;
        private final Session session;
        private final MessageProducer producer;

        Producer() throws JMSException {
            connection = connectionFactory.createConnection();
            try {
                connection.start();
                session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue queue = session.createQueue(queueName.asString());
                producer = session.createProducer(queue);
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            } catch (JMSException e) {
                connection.close();
                throw e;
            }
        }

        void close() {
            try {
                connection.close();
            } catch (JMSException e) {
                LOGGER.debug("Error while closing a producer of queue {}", queueName.asString(), e);
            }
        }
    }

    private final class Consumer {
        private final Connection connection;
        private final Session session;
        private final MessageConsumer consumer;

        Consumer() throws JMSException {
            connection = connectionFactory.createConnection();
            try {
                connection.start();
                session = connection.createSession(true, Session.SESSION_TRANSACTED);
                consumer = session.createConsumer(session.createQueue(queueName.asString()));
            } catch (JMSException e) {
                connection.close();
                throw e;
            }
        }

        void close() {
            try {
                connection.close();
            } catch (JMSException e) {
                LOGGER.debug("Error while closing a consumer of queue {}", queueName.asString(), e);
            }
        }
    }

    @Override
    public void dispose() {
        disposed = true;
        Producer producer;
        while ((producer = producers.poll()) != null) {
            producer.close();
        }
        Consumer consumer;
        while ((consumer = consumers.poll()) != null) {
            consumer.close();
        }
        super.dispose();
    }
}
