package io.postbridge.core.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Accounts by id, read from the store at most once per {@code refresh}: a device in a trusted network (and every
 * AUTH) asks for its account on every mail, which was a database query each time. A change made through this node
 * (create, update, delete) empties the cache at once; one made on another node sharing the store is seen within
 * {@code refresh}, as for trusted networks ({@link TrustedNetworks#DEFAULT_REFRESH}). Absent accounts are not
 * cached, so an account created elsewhere is found at once. A read that overlapped a change is not kept (it may hold
 * the row from before it).
 */
public final class CachedAccountRepository implements AccountRepository {
    private static final long MAX_CACHED = 10_000;

    private final AccountRepository store;
    private final Cache<Long, Account> byId;
    private final AtomicLong changes = new AtomicLong();

    public CachedAccountRepository(AccountRepository store, Clock clock, Duration refresh) {
        this.store = Objects.requireNonNull(store);
        this.byId = CacheBuilder.newBuilder()
            .expireAfterWrite(refresh.toNanos(), TimeUnit.NANOSECONDS)
            .maximumSize(MAX_CACHED)
            .ticker(ticker(clock))
            .build();
    }

    /** Guava's caches measure time with a ticker; this one follows the (test's) clock. */
    static Ticker ticker(Clock clock) {
        return new Ticker() {
            @Override
            public long read() {
                Instant now = clock.instant();
                return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
            }
        };
    }

    @Override
    public Optional<Account> findById(long id) {
        Account cached = byId.getIfPresent(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        long before = changes.get();
        Optional<Account> read = store.findById(id);
        if (read.isPresent() && changes.get() == before) {
            byId.put(id, read.get());
        }
        return read;
    }

    /** Counts the change, then forgets what was read (see {@link #findById}). */
    private void changed() {
        changes.incrementAndGet();
        byId.invalidateAll();
    }

    @Override
    public Account create(String name, Instant now) {
        return store.create(name, now); // a new id: nothing cached can be about it
    }

    @Override
    public Optional<Account> findByName(String name) {
        return store.findByName(name);
    }

    @Override
    public List<Account> list() {
        return store.list();
    }

    @Override
    public void update(Account account) {
        try {
            store.update(account);
        } finally {
            changed();
        }
    }

    @Override
    public boolean delete(String name) {
        try {
            return store.delete(name);
        } finally {
            changed();
        }
    }
}
