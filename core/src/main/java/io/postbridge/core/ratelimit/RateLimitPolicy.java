package io.postbridge.core.ratelimit;

import java.util.Optional;

import io.postbridge.core.accounts.Account;

/** The server-wide default limits; an account's own limits replace them one by one. */
public final class RateLimitPolicy {
    public static final int MAX_LIMIT = 100_000_000;

    private final int defaultMessagesPerMinute;
    private final int defaultRecipientsPerDay;

    public RateLimitPolicy(int defaultMessagesPerMinute, int defaultRecipientsPerDay) {
        this.defaultMessagesPerMinute = checkLimit("messages per minute", defaultMessagesPerMinute);
        this.defaultRecipientsPerDay = checkLimit("recipients per day", defaultRecipientsPerDay);
    }

    public static int checkLimit(String what, int value) {
        if (value < 1 || value > MAX_LIMIT) {
            throw new IllegalArgumentException(what + " must be from 1 to " + MAX_LIMIT + ", was " + value);
        }
        return value;
    }

    public int defaultMessagesPerMinute() {
        return defaultMessagesPerMinute;
    }

    public int defaultRecipientsPerDay() {
        return defaultRecipientsPerDay;
    }

    public int messagesPerMinute(Optional<Account> account) {
        return account.flatMap(Account::messagesPerMinute).orElse(defaultMessagesPerMinute);
    }

    public int recipientsPerDay(Optional<Account> account) {
        return account.flatMap(Account::recipientsPerDay).orElse(defaultRecipientsPerDay);
    }
}
