package io.postbridge.core.events;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Records what happened to each message so operators can answer "where did my mail go?". */
public interface MailEventLog {

    void record(MailEvent event);

    /** Newest first, at most {@code limit}, optionally only one type. */
    List<MailEvent> recent(int limit, Optional<MailEventType> type);

    /** Newest first, at most {@code limit}, optionally only one type and only one account's. */
    default List<MailEvent> recent(int limit, Optional<MailEventType> type, Optional<String> account) {
        if (account.isEmpty()) {
            return recent(limit, type);
        }
        return recent(Integer.MAX_VALUE, type).stream()
            .filter(event -> event.getAccount().equals(account))
            .limit(limit)
            .collect(Collectors.toList());
    }
}
