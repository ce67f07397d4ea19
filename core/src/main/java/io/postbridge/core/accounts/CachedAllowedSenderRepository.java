package io.postbridge.core.accounts;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Each account's allowed senders, read from the store at most once per {@code refresh}: the sender policy asks at
 * MAIL FROM and again for the header From of every mail. A change made through this node counts at once, one made
 * on another node sharing the store within {@code refresh} ({@link StoreReadCache}).
 */
public final class CachedAllowedSenderRepository implements AllowedSenderRepository {
    private final AllowedSenderRepository store;
    private final StoreReadCache<Long, List<SenderPattern>> byAccount;

    public CachedAllowedSenderRepository(AllowedSenderRepository store, Clock clock, Duration refresh) {
        this.store = Objects.requireNonNull(store);
        this.byAccount = new StoreReadCache<>(clock, refresh);
    }

    @Override
    public List<SenderPattern> list(long accountId) {
        return byAccount.get(accountId, () -> Optional.of(List.copyOf(store.list(accountId)))).orElseThrow();
    }

    @Override
    public boolean add(long accountId, SenderPattern pattern) {
        try {
            return store.add(accountId, pattern);
        } finally {
            byAccount.changed(accountId);
        }
    }

    @Override
    public boolean remove(long accountId, SenderPattern pattern) {
        try {
            return store.remove(accountId, pattern);
        } finally {
            byAccount.changed(accountId);
        }
    }
}
