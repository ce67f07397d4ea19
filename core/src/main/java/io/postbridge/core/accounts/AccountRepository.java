package io.postbridge.core.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Accounts. Deleting an account deletes its keys, senders, networks, provider settings and secrets. */
public interface AccountRepository {
    /** @throws AccountAlreadyExists when the name is taken */
    Account create(String name, Instant now);

    Optional<Account> findByName(String name);

    Optional<Account> findById(long id);

    List<Account> list();

    /** Saves enabled, from override and limits of an existing account. */
    void update(Account account);

    boolean delete(String name);

    class AccountAlreadyExists extends RuntimeException {
        public AccountAlreadyExists(String name) {
            super("account '" + name + "' already exists");
        }
    }
}
