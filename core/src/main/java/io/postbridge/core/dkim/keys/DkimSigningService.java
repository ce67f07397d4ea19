package io.postbridge.core.dkim.keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.dkim.DkimSigner;
import io.postbridge.core.dkim.DkimSigningException;
import io.postbridge.core.dkim.RawMessage;

/**
 * Decides whether and as which domain a message is signed, and signs it. The author's domain (From) is tried first,
 * so signatures align with DMARC; the envelope sender's domain second (forwarded mail keeps a foreign From but leaves
 * with our SRS envelope sender). The first of them with a key-table or managed-key entry (or a missing-key policy)
 * decides; a domain none of them knows is not ours to sign.
 */
public final class DkimSigningService {
    /** Which domains may sign, in order. */
    public enum SigningDomains {
        FROM("from"), ENVELOPE("envelope"), FROM_THEN_ENVELOPE("from-then-envelope");

        private final String wireName;

        SigningDomains(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static SigningDomains parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (SigningDomains s : values()) {
                if (s.wireName.equals(v)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("'" + value + "' is not from, envelope or from-then-envelope");
        }
    }

    private final DkimSigner signer;
    private final DkimKeySource keys;
    private final MissingKeyPolicy policy;
    private final SigningDomains signingDomains;

    public DkimSigningService(DkimSigner signer, DkimKeySource keys, MissingKeyPolicy policy, SigningDomains signingDomains) {
        this.signer = Objects.requireNonNull(signer);
        this.keys = Objects.requireNonNull(keys);
        this.policy = Objects.requireNonNull(policy);
        this.signingDomains = Objects.requireNonNull(signingDomains);
    }

    /**
     * @param message the message as it will be sent (any line endings)
     * @param envelopeSender the MAIL FROM address, empty for bounces ({@code <>})
     */
    public SigningOutcome sign(byte[] message, Optional<String> envelopeSender) {
        RawMessage raw = RawMessage.parse(message);
        List<String> candidates = candidates(raw, envelopeSender);
        for (String domain : candidates) {
            KeyLookup lookup = keys.lookup(domain);
            switch (lookup.outcome()) {
                case FOUND:
                    return signWith(raw, domain, lookup);
                case UNAVAILABLE:
                    return SigningOutcome.keyMissing(raw, domain, policy.actionFor(domain),
                        lookup.problemSummary().orElse("no usable key"));
                default:
                    if (policy.isRequired(domain)) {
                        return SigningOutcome.keyMissing(raw, domain, policy.actionFor(domain),
                            "the domain must be signed but has no DKIM key configured");
                    }
            }
        }
        return SigningOutcome.notOurs(raw, candidates.isEmpty()
            ? "no author or envelope domain" : "no DKIM key configured for " + String.join(" or ", candidates));
    }

    /**
     * False when {@link #sign} would certainly answer {@link SigningOutcome.Kind#NOT_OURS}: lets the caller skip
     * preparing mail that is not ours to sign. Reads only the header fields.
     */
    public boolean concerns(byte[] message, Optional<String> envelopeSender) {
        for (String domain : candidates(RawMessage.parse(headerBlock(message)), envelopeSender)) {
            if (policy.isRequired(domain) || keys.lookup(domain).outcome() != KeyLookup.Outcome.NOT_CONFIGURED) {
                return true;
            }
        }
        return false;
    }

    private List<String> candidates(RawMessage raw, Optional<String> envelopeSender) {
        List<String> candidates = new ArrayList<>(2);
        if (signingDomains != SigningDomains.ENVELOPE) {
            AuthorDomain.of(raw).ifPresent(candidates::add);
        }
        if (signingDomains != SigningDomains.FROM) {
            envelopeSender.flatMap(AuthorDomain::domainOf).filter(d -> !candidates.contains(d)).ifPresent(candidates::add);
        }
        return candidates;
    }

    /** The bytes up to the first empty line (any line ending), so big bodies are not copied to read headers. */
    private static byte[] headerBlock(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && (message[i + 1] == '\n' || (message[i + 1] == '\r' && i + 2 < message.length
                && message[i + 2] == '\n'))) {
                return java.util.Arrays.copyOf(message, i + 1);
            }
            if (message[i] == '\r' && message[i + 1] == '\r') {
                return java.util.Arrays.copyOf(message, i + 1);
            }
        }
        return message;
    }

    private SigningOutcome signWith(RawMessage raw, String domain, KeyLookup lookup) {
        try {
            List<String> fields = signer.signatureFields(raw, lookup.keys());
            return SigningOutcome.signed(raw, domain, fields, lookup.keys(), lookup.problems());
        } catch (DkimSigningException e) {
            return SigningOutcome.unsignable(raw, domain, e.getMessage());
        }
    }
}
