package io.postbridge.core.dkim.rotation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Computes every key's state from its dates. Rules: a key activates at {@code activateAt} (and, when it requires
 * a DNS match, not before the match was seen); a key is retired when the operator retired it or when a newer key
 * of the same algorithm activated (then for good: it never comes back); a retired key's DNS record may go after
 * the keep time.
 */
public final class DkimKeyStates {
    private static final Comparator<ManagedDkimKey> AGE = Comparator.comparing(ManagedDkimKey::createdAt)
        .thenComparing(ManagedDkimKey::selector);

    private DkimKeyStates() {
    }

    /** When the key starts signing, if its conditions are met (possibly in the future). */
    static Optional<Instant> activation(ManagedDkimKey key) {
        if (key.activateAt().isEmpty()) {
            return Optional.empty();
        }
        Instant at = key.activateAt().get();
        if (!key.requireDnsMatch()) {
            return Optional.of(at);
        }
        return key.dnsConfirmedAt().map(confirmed -> confirmed.isAfter(at) ? confirmed : at);
    }

    public static List<DkimKeyStatus> compute(List<ManagedDkimKey> keysOfDomain, Instant now,
                                              DkimRotationSettings settings) {
        List<DkimKeyStatus> result = new ArrayList<>();
        for (ManagedDkimKey key : keysOfDomain) {
            result.add(status(key, keysOfDomain, now, settings));
        }
        return result;
    }

    private static DkimKeyStatus status(ManagedDkimKey key, List<ManagedDkimKey> all, Instant now,
                                        DkimRotationSettings settings) {
        Optional<Instant> activation = activation(key);
        Optional<Instant> retired = key.retiredAt();
        Optional<Instant> superseded = supersededAt(key, activation, all, now);
        if (superseded.isPresent() && (retired.isEmpty() || superseded.get().isBefore(retired.get()))) {
            retired = superseded;
        }
        if (retired.isPresent() && !retired.get().isAfter(now)) {
            Instant retiredAt = retired.get();
            Instant removable = retiredAt.plus(settings.retiredDnsKeep());
            DkimKeyState state = now.isBefore(removable) ? DkimKeyState.RETIRED : DkimKeyState.REMOVABLE;
            Optional<Instant> activatedAt = activation.filter(a -> !a.isAfter(retiredAt));
            return new DkimKeyStatus(key, state, activatedAt, retired, Optional.of(removable));
        }
        if (activation.isPresent() && !activation.get().isAfter(now)) {
            return new DkimKeyStatus(key, DkimKeyState.ACTIVE, activation, retired, Optional.empty());
        }
        boolean due = key.activateAt().map(at -> !at.isAfter(now)).orElse(false);
        DkimKeyState state = due && key.requireDnsMatch() ? DkimKeyState.AWAITING_DNS : DkimKeyState.PENDING;
        return new DkimKeyStatus(key, state, activation.or(key::activateAt), retired, Optional.empty());
    }

    /** The first activation (up to now) of a newer key of the same algorithm, after this key's own activation. */
    private static Optional<Instant> supersededAt(ManagedDkimKey key, Optional<Instant> activation,
                                                  List<ManagedDkimKey> all, Instant now) {
        if (activation.isEmpty()) {
            return Optional.empty();
        }
        Instant best = null;
        for (ManagedDkimKey other : all) {
            if (other == key || other.algorithm() != key.algorithm()) {
                continue;
            }
            Optional<Instant> otherActivation = activation(other);
            if (otherActivation.isEmpty() || otherActivation.get().isAfter(now)) {
                continue;
            }
            boolean newer = otherActivation.get().isAfter(activation.get())
                || (otherActivation.get().equals(activation.get()) && AGE.compare(other, key) > 0);
            if (newer && (best == null || otherActivation.get().isBefore(best))) {
                best = otherActivation.get();
            }
        }
        return Optional.ofNullable(best);
    }
}
