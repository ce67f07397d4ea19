package io.postbridge.core.events;

import java.util.List;

/** A log that stores several events at once (one transaction, one round trip for their rows). */
public interface BatchMailEventLog extends MailEventLog {

    /** Stores {@code events} in this order; like {@link #record}, never fails a mail (a failure is logged). */
    void recordAll(List<MailEvent> events);

    @Override
    default void record(MailEvent event) {
        recordAll(List.of(event));
    }
}
