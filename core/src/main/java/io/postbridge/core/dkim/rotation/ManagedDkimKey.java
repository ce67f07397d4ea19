package io.postbridge.core.dkim.rotation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimDnsRecord;

/**
 * A key Postbridge generated and manages (as stored by a {@link DkimKeyRepository}). Its state is not stored: it
 * follows from the dates (see {@link DkimKeyStates}), so no scheduler has to flip it.
 */
public final class ManagedDkimKey {
    private final String domain;
    private final String selector;
    private final DkimAlgorithm algorithm;
    private final byte[] privateKeyPkcs8;
    private final String publicKey;
    private final Instant createdAt;
    private final Optional<Instant> activateAt;
    private final Optional<Instant> retiredAt;
    private final boolean requireDnsMatch;
    private final Optional<Instant> dnsConfirmedAt;
    private final Optional<Instant> dnsCheckedAt;
    private final Optional<String> dnsProblem;

    public ManagedDkimKey(String domain, String selector, DkimAlgorithm algorithm, byte[] privateKeyPkcs8,
                          String publicKey, Instant createdAt, Optional<Instant> activateAt, Optional<Instant> retiredAt,
                          boolean requireDnsMatch, Optional<Instant> dnsConfirmedAt, Optional<Instant> dnsCheckedAt,
                          Optional<String> dnsProblem) {
        this.domain = Objects.requireNonNull(domain);
        this.selector = Objects.requireNonNull(selector);
        this.algorithm = Objects.requireNonNull(algorithm);
        this.privateKeyPkcs8 = privateKeyPkcs8.clone();
        this.publicKey = Objects.requireNonNull(publicKey);
        this.createdAt = Objects.requireNonNull(createdAt);
        this.activateAt = Objects.requireNonNull(activateAt);
        this.retiredAt = Objects.requireNonNull(retiredAt);
        this.requireDnsMatch = requireDnsMatch;
        this.dnsConfirmedAt = Objects.requireNonNull(dnsConfirmedAt);
        this.dnsCheckedAt = Objects.requireNonNull(dnsCheckedAt);
        this.dnsProblem = Objects.requireNonNull(dnsProblem);
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** PKCS#8 DER. A store must protect it at rest (the JDBC store encrypts it). */
    public byte[] privateKeyPkcs8() {
        return privateKeyPkcs8.clone();
    }

    /** The {@code p=} value published in DNS. */
    public String publicKey() {
        return publicKey;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** When it may start signing; empty = only when the operator activates it. */
    public Optional<Instant> activateAt() {
        return activateAt;
    }

    /** When the operator retired it (being superseded by a newer key is computed, not stored). */
    public Optional<Instant> retiredAt() {
        return retiredAt;
    }

    /** Activation waits until the published DNS record was seen to match. */
    public boolean requireDnsMatch() {
        return requireDnsMatch;
    }

    public Optional<Instant> dnsConfirmedAt() {
        return dnsConfirmedAt;
    }

    public Optional<Instant> dnsCheckedAt() {
        return dnsCheckedAt;
    }

    public Optional<String> dnsProblem() {
        return dnsProblem;
    }

    public DkimDnsRecord dnsRecord() {
        return new DkimDnsRecord(selector, domain, algorithm, publicKey);
    }

    public ManagedDkimKey withActivateAt(Optional<Instant> when) {
        return new ManagedDkimKey(domain, selector, algorithm, privateKeyPkcs8, publicKey, createdAt, when, retiredAt,
            requireDnsMatch, dnsConfirmedAt, dnsCheckedAt, dnsProblem);
    }

    public ManagedDkimKey withRetiredAt(Instant when) {
        return new ManagedDkimKey(domain, selector, algorithm, privateKeyPkcs8, publicKey, createdAt, activateAt,
            Optional.of(when), requireDnsMatch, dnsConfirmedAt, dnsCheckedAt, dnsProblem);
    }

    public ManagedDkimKey withDnsCheck(Instant checkedAt, Optional<String> problem) {
        Optional<Instant> confirmed = problem.isPresent() ? dnsConfirmedAt : dnsConfirmedAt.or(() -> Optional.of(checkedAt));
        return new ManagedDkimKey(domain, selector, algorithm, privateKeyPkcs8, publicKey, createdAt, activateAt,
            retiredAt, requireDnsMatch, confirmed, Optional.of(checkedAt), problem);
    }

    @Override
    public String toString() {
        return domain + "/" + selector + " (" + algorithm + ")";
    }
}
