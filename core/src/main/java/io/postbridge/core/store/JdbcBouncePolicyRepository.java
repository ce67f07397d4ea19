package io.postbridge.core.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.suppression.AccountBouncePolicy;
import io.postbridge.core.suppression.BouncePolicyRepository;
import io.postbridge.core.suppression.SuppressionPolicy;

/** {@link BouncePolicyRepository} on {@code pb_bounce_policy} (V10). */
public final class JdbcBouncePolicyRepository implements BouncePolicyRepository {
    private final Jdbc jdbc;
    private final Clock clock;

    public JdbcBouncePolicyRepository(Jdbc jdbc, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public Optional<AccountBouncePolicy> find(String account) {
        return jdbc.queryOne("SELECT account, soft_bounces, enforcement, forward_bounces FROM pb_bounce_policy WHERE account = ?",
            JdbcBouncePolicyRepository::row, account);
    }

    @Override
    public void save(AccountBouncePolicy policy) {
        long now = clock.millis();
        Object soft = Jdbc.nullableInt(policy.softBounces());
        Object enforcement = Jdbc.nullable(policy.enforcement().map(SuppressionPolicy.Enforcement::wireName));
        Object forward = policy.forwardBounces().<Object>map(b -> b).orElse(Jdbc.NULL_BOOLEAN);
        jdbc.inTransaction(tx -> {
            int updated = tx.update("UPDATE pb_bounce_policy SET soft_bounces = ?, enforcement = ?, forward_bounces = ?, updated_at = ? "
                + "WHERE account = ?", soft, enforcement, forward, now, policy.account());
            if (updated == 0) {
                tx.insertIfAbsent("INSERT INTO pb_bounce_policy (account, soft_bounces, enforcement, forward_bounces, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?)", policy.account(), soft, enforcement, forward, now);
            }
            return null;
        });
    }

    @Override
    public boolean delete(String account) {
        return jdbc.update("DELETE FROM pb_bounce_policy WHERE account = ?", account) > 0;
    }

    private static AccountBouncePolicy row(ResultSet row) throws SQLException {
        boolean forward = row.getBoolean("forward_bounces");
        Optional<Boolean> forwardBounces = row.wasNull() ? Optional.empty() : Optional.of(forward);
        return new AccountBouncePolicy(row.getString("account"), Jdbc.optionalInt(row, "soft_bounces"),
            Optional.ofNullable(row.getString("enforcement")).flatMap(SuppressionPolicy.Enforcement::fromWireName), forwardBounces);
    }
}
