package io.postbridge.core.events;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Records what happened to each message so operators can answer "where did my mail go?". */
public interface MailEventLog {

    void record(MailEvent event);

    /** Newest first, at most {@code limit}, optionally only one type. */
    List<MailEvent> recent(int limit, Optional<MailEventType> type);

    /**
     * The account that sent the message with this Message-ID (with or without angle brackets), from the newest
     * event of it that names an account: how a bounce without a VERP address is linked to its sender.
     */
    default Optional<String> accountOfMessage(String messageId) {
        String bare = messageId.trim().replaceAll("^<|>$", "");
        return recent(10_000, Optional.empty()).stream()
            .filter(e -> e.getMessageId().map(m -> m.trim().replaceAll("^<|>$", "").equals(bare)).orElse(false))
            .map(MailEvent::getAccount).flatMap(Optional::stream).findFirst();
    }

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
