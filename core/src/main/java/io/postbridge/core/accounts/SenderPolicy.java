package io.postbridge.core.accounts;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether an account may use an address as its envelope sender or header From. An account with no
 * allowed senders may not send at all: nothing is allowed unless an operator allowed it.
 */
public final class SenderPolicy {
    private final AllowedSenderRepository senders;

    public SenderPolicy(AllowedSenderRepository senders) {
        this.senders = Objects.requireNonNull(senders);
    }

    public boolean allows(Account account, String address) {
        return allows(senders.list(account.id()), address);
    }

    public static boolean allows(List<SenderPattern> patterns, String address) {
        return patterns.stream().anyMatch(pattern -> pattern.matches(address));
    }

    /** The address every message of this account is rewritten to, when it has a From override. */
    public Optional<String> fromOverride(Account account) {
        return account.fromOverride();
    }
}
