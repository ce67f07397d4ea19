package io.postbridge.core.accounts;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Postbridge account: an application or device that submits mail. It authenticates with its API keys (or,
 * for printers, from a trusted network), may send only as its allowed senders, and has its own rate limits.
 */
public final class Account {
    /** Lower case, because James lower-cases SMTP usernames before Postbridge sees them. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final long id;
    private final String name;
    private final boolean enabled;
    private final Optional<String> fromOverride;
    private final Optional<Integer> messagesPerMinute;
    private final Optional<Integer> recipientsPerDay;
    private final Instant createdAt;

    public Account(long id, String name, boolean enabled, Optional<String> fromOverride,
                   Optional<Integer> messagesPerMinute, Optional<Integer> recipientsPerDay, Instant createdAt) {
        this.id = id;
        this.name = checkName(name);
        this.enabled = enabled;
        this.fromOverride = Objects.requireNonNull(fromOverride);
        this.messagesPerMinute = Objects.requireNonNull(messagesPerMinute);
        this.recipientsPerDay = Objects.requireNonNull(recipientsPerDay);
        this.createdAt = Objects.requireNonNull(createdAt);
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static String checkName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("account name must be 1 to 64 characters a-z 0-9 . _ - "
                + "(lower case, starting with a letter or digit), was '" + name + "'");
        }
        return name;
    }

    public long id() {
        return id;
    }

    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    public Optional<String> fromOverride() {
        return fromOverride;
    }

    public Optional<Integer> messagesPerMinute() {
        return messagesPerMinute;
    }

    public Optional<Integer> recipientsPerDay() {
        return recipientsPerDay;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Account withEnabled(boolean enabled) {
        return new Account(id, name, enabled, fromOverride, messagesPerMinute, recipientsPerDay, createdAt);
    }

    public Account withFromOverride(Optional<String> fromOverride) {
        return new Account(id, name, enabled, fromOverride, messagesPerMinute, recipientsPerDay, createdAt);
    }

    public Account withLimits(Optional<Integer> messagesPerMinute, Optional<Integer> recipientsPerDay) {
        return new Account(id, name, enabled, fromOverride, messagesPerMinute, recipientsPerDay, createdAt);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Account)) {
            return false;
        }
        Account that = (Account) o;
        return id == that.id && enabled == that.enabled && name.equals(that.name) && fromOverride.equals(that.fromOverride)
            && messagesPerMinute.equals(that.messagesPerMinute) && recipientsPerDay.equals(that.recipientsPerDay)
            && createdAt.equals(that.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, enabled, fromOverride, messagesPerMinute, recipientsPerDay, createdAt);
    }

    @Override
    public String toString() {
        return "Account{" + name + (enabled ? "" : ", disabled") + "}";
    }
}
