package io.postbridge.core.dkim.rotation;

/** Where a managed key is in its life: publish the record, wait, sign, stop signing, remove the record. */
public enum DkimKeyState {
    /** Generated; publish its DNS record now. Signs from its activation time on (or when activated by hand). */
    PENDING,
    /** Its activation time has come, but the published DNS record has not been seen to match yet. */
    AWAITING_DNS,
    /** Signs mail (the newest active key of its algorithm). */
    ACTIVE,
    /** No longer signs; keep its DNS record so mail still in queues or mailboxes verifies. */
    RETIRED,
    /** Retired long enough ago that its DNS record can be removed, and the key deleted. */
    REMOVABLE;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
