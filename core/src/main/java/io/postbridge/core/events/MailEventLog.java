package io.postbridge.core.events;

import java.util.List;
import java.util.Optional;

/** Records what happened to each message so operators can answer "where did my mail go?". */
public interface MailEventLog {

    void record(MailEvent event);

    /** Newest first, at most {@code limit}, optionally only one type. */
    List<MailEvent> recent(int limit, Optional<MailEventType> type);
}
