package io.postbridge.core.dkim.rotation;

import java.time.Instant;
import java.util.Optional;

/** A managed key with its state at a given time. */
public final class DkimKeyStatus {
    private final ManagedDkimKey key;
    private final DkimKeyState state;
    private final Optional<Instant> activatedAt;
    private final Optional<Instant> retiredAt;
    private final Optional<Instant> dnsRemovableAt;

    DkimKeyStatus(ManagedDkimKey key, DkimKeyState state, Optional<Instant> activatedAt, Optional<Instant> retiredAt,
                  Optional<Instant> dnsRemovableAt) {
        this.key = key;
        this.state = state;
        this.activatedAt = activatedAt;
        this.retiredAt = retiredAt;
        this.dnsRemovableAt = dnsRemovableAt;
    }

    public ManagedDkimKey key() {
        return key;
    }

    public DkimKeyState state() {
        return state;
    }

    /** When it started (or starts) signing, once that is known. */
    public Optional<Instant> activatedAt() {
        return activatedAt;
    }

    /** When it stopped signing: retired by hand or superseded by a newer key of its algorithm. */
    public Optional<Instant> retiredAt() {
        return retiredAt;
    }

    /** From when its DNS record may be removed. */
    public Optional<Instant> dnsRemovableAt() {
        return dnsRemovableAt;
    }

    @Override
    public String toString() {
        return key + " " + state;
    }
}
