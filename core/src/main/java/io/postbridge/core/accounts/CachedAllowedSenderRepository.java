package io.postbridge.core.accounts;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Each account's allowed senders, read from the store at most once per {@code refresh}: the sender policy asks at
 * MAIL FROM and again for the header From of every mail. A change made through this node is seen at once, one made
 * on another node sharing the store within {@code refresh} (as for {@link CachedAccountRepository}, and as there a
 * read that overlapped a change is not kept).
 */
public final class CachedAllowedSenderRepository implements AllowedSenderRepository {
    private static final long MAX_CACHED = 10_000;

    private final AllowedSenderRepository store;
    private final Cache<Long, List<SenderPattern>> byAccount;
    private final AtomicLong changes = new AtomicLong();

    public CachedAllowedSenderRepository(AllowedSenderRepository store, Clock clock, Duration refresh) {
        this.store = Objects.requireNonNull(store);
        this.byAccount = CacheBuilder.newBuilder()
            .expireAfterWrite(refresh.toNanos(), TimeUnit.NANOSECONDS)
            .maximumSize(MAX_CACHED)
            .ticker(CachedAccountRepository.ticker(clock))
            .build();
    }

    @Override
    public List<SenderPattern> list(long accountId) {
        List<SenderPattern> cached = byAccount.getIfPresent(accountId);
        if (cached != null) {
            return cached;
        }
        long before = changes.get();
        List<SenderPattern> read = List.copyOf(store.list(accountId));
        if (changes.get() == before) {
            byAccount.put(accountId, read);
        }
        return read;
    }

    @Override
    public boolean add(long accountId, SenderPattern pattern) {
        try {
            return store.add(accountId, pattern);
        } finally {
            changed(accountId);
        }
    }

    @Override
    public boolean remove(long accountId, SenderPattern pattern) {
        try {
            return store.remove(accountId, pattern);
        } finally {
            changed(accountId);
        }
    }

    private void changed(long accountId) {
        changes.incrementAndGet();
        byAccount.invalidate(accountId);
    }
}
