package io.postbridge.core.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Accounts by id, read from the store at most once per {@code refresh}: a device in a trusted network (and every
 * AUTH) asks for its account on every mail, which was a database query each time. A change made through this node
 * (update, delete) counts at once; one made on another node sharing the store within {@code refresh}, as for trusted
 * networks ({@link TrustedNetworks#DEFAULT_REFRESH}). An account created elsewhere is found at once
 * ({@link StoreReadCache}).
 */
public final class CachedAccountRepository implements AccountRepository {
    private final AccountRepository store;
    private final StoreReadCache<Long, Account> byId;

    public CachedAccountRepository(AccountRepository store, Clock clock, Duration refresh) {
        this.store = Objects.requireNonNull(store);
        this.byId = new StoreReadCache<>(clock, refresh);
    }

    @Override
    public Optional<Account> findById(long id) {
        return byId.get(id, () -> store.findById(id));
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
            byId.changed(account.id());
        }
    }

    @Override
    public boolean delete(String name) {
        try {
            return store.delete(name);
        } finally {
            byId.changedAll(); // by name: the id is not at hand
        }
    }
}
