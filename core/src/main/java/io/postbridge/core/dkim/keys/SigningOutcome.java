package io.postbridge.core.dkim.keys;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.RawMessage;

/** Result of {@link DkimSigningService#sign}: the message to send and what happened. */
public final class SigningOutcome {
    public enum Kind {
        /** Signed; {@link #message()} carries the DKIM-Signature fields. */
        SIGNED,
        /** No key is configured for the author's or the envelope sender's domain: not ours to sign. */
        NOT_OURS,
        /** The message cannot be signed (no From field, several From fields). */
        UNSIGNABLE,
        /** The domain must be signed but no key for it can be used now; {@link #action()} says what to do. */
        KEY_MISSING
    }

    private final Kind kind;
    private final RawMessage original;
    private final Optional<String> domain;
    private final List<String> signatureFields;
    private final List<DkimSigningKey> keys;
    private final String detail;
    private final Optional<WhenKeyMissing> action;
    private final List<String> warnings;

    private SigningOutcome(Kind kind, RawMessage original, Optional<String> domain, List<String> signatureFields,
                           List<DkimSigningKey> keys, String detail, Optional<WhenKeyMissing> action, List<String> warnings) {
        this.kind = kind;
        this.original = original;
        this.domain = domain;
        this.signatureFields = List.copyOf(signatureFields);
        this.keys = List.copyOf(keys);
        this.detail = detail;
        this.action = action;
        this.warnings = List.copyOf(warnings);
    }

    static SigningOutcome signed(RawMessage original, String domain, List<String> fields, List<DkimSigningKey> keys,
                                 List<String> warnings) {
        return new SigningOutcome(Kind.SIGNED, original, Optional.of(domain), fields, keys, "signed", Optional.empty(), warnings);
    }

    static SigningOutcome notOurs(RawMessage original, String detail) {
        return new SigningOutcome(Kind.NOT_OURS, original, Optional.empty(), List.of(), List.of(), detail, Optional.empty(), List.of());
    }

    static SigningOutcome unsignable(RawMessage original, String domain, String detail) {
        return new SigningOutcome(Kind.UNSIGNABLE, original, Optional.of(domain), List.of(), List.of(), detail,
            Optional.empty(), List.of());
    }

    static SigningOutcome keyMissing(RawMessage original, String domain, WhenKeyMissing action, String detail) {
        return new SigningOutcome(Kind.KEY_MISSING, original, Optional.of(domain), List.of(), List.of(), detail,
            Optional.of(action), List.of());
    }

    public Kind kind() {
        return kind;
    }

    /** The message in wire form: with the signature fields on top when signed, unchanged otherwise. */
    public byte[] message() {
        byte[] body = original.bytes();
        if (signatureFields.isEmpty()) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 600 * signatureFields.size());
        for (String field : signatureFields) {
            out.writeBytes(field.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    public List<String> signatureFields() {
        return signatureFields;
    }

    public Optional<String> domain() {
        return domain;
    }

    public List<DkimSigningKey> keys() {
        return keys;
    }

    public String detail() {
        return detail;
    }

    /** Set for {@link Kind#KEY_MISSING}. */
    public Optional<WhenKeyMissing> action() {
        return action;
    }

    /** Keys of the signing domain that could not be used although others signed. */
    public List<String> warnings() {
        return warnings;
    }

    @Override
    public String toString() {
        return kind + domain.map(d -> " " + d).orElse("") + ": " + detail;
    }
}
