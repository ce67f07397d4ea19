package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountRepository;

public final class JdbcAccountRepository implements AccountRepository {
    private static final String COLUMNS = "id, name, enabled, from_override, messages_per_minute, recipients_per_day, created_at";

    private final Jdbc jdbc;

    public JdbcAccountRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Account create(String name, Instant now) {
        Account.checkName(name);
        try {
            long id = jdbc.insertReturningId("INSERT INTO pb_account (name, enabled, created_at) VALUES (?, ?, ?)",
                name, true, now.toEpochMilli());
            return new Account(id, name, true, Optional.empty(), Optional.empty(), Optional.empty(), Instant.ofEpochMilli(now.toEpochMilli()));
        } catch (Jdbc.UniqueViolation e) {
            throw new AccountAlreadyExists(name);
        }
    }

    @Override
    public Optional<Account> findByName(String name) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM pb_account WHERE name = ?", JdbcAccountRepository::account, name);
    }

    @Override
    public Optional<Account> findById(long id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM pb_account WHERE id = ?", JdbcAccountRepository::account, id);
    }

    @Override
    public List<Account> list() {
        return jdbc.query("SELECT " + COLUMNS + " FROM pb_account ORDER BY name", JdbcAccountRepository::account);
    }

    @Override
    public void update(Account account) {
        int updated = jdbc.update("UPDATE pb_account SET enabled = ?, from_override = ?, messages_per_minute = ?, recipients_per_day = ? WHERE id = ?",
            account.enabled(), Jdbc.nullable(account.fromOverride()), Jdbc.nullableInt(account.messagesPerMinute()),
            Jdbc.nullableInt(account.recipientsPerDay()), account.id());
        if (updated != 1) {
            throw new StoreException("account " + account.name() + " does not exist (any more)");
        }
    }

    @Override
    public boolean delete(String name) {
        return jdbc.update("DELETE FROM pb_account WHERE name = ?", name) == 1;
    }

    private static Account account(ResultSet row) throws SQLException {
        return new Account(row.getLong("id"), row.getString("name"), row.getBoolean("enabled"),
            Optional.ofNullable(row.getString("from_override")),
            Jdbc.optionalInt(row, "messages_per_minute"), Jdbc.optionalInt(row, "recipients_per_day"),
            Instant.ofEpochMilli(row.getLong("created_at")));
    }
}
