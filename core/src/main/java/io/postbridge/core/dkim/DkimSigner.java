package io.postbridge.core.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes DKIM-Signature fields (RFC 6376) for a message, one per key, so RSA and Ed25519 (RFC 8463) keys can sign
 * the same message in one pass. Never emits {@code l=}. Thread-safe.
 */
public final class DkimSigner {
    public static final String FIELD_NAME = "DKIM-Signature";
    private static final int LINE_WIDTH = 76;

    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final SignedHeaders signedHeaders;
    private final Optional<Duration> expiry;
    private final Clock clock;

    public DkimSigner(Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                      SignedHeaders signedHeaders, Optional<Duration> expiry, Clock clock) {
        this.headerCanonicalization = Objects.requireNonNull(headerCanonicalization);
        this.bodyCanonicalization = Objects.requireNonNull(bodyCanonicalization);
        this.signedHeaders = Objects.requireNonNull(signedHeaders);
        this.expiry = Objects.requireNonNull(expiry);
        this.clock = Objects.requireNonNull(clock);
        expiry.ifPresent(ttl -> {
            if (ttl.getSeconds() < 1) {
                throw new IllegalArgumentException("signature expiry must be at least one second");
            }
        });
    }

    /** relaxed/relaxed, the default header list, no expiry. */
    public static DkimSigner withDefaults(Clock clock) {
        return new DkimSigner(Canonicalization.RELAXED, Canonicalization.RELAXED, SignedHeaders.defaults(),
            Optional.empty(), clock);
    }

    /** The message in wire form with one DKIM-Signature field per key added on top. */
    public byte[] sign(byte[] message, List<DkimSigningKey> keys) throws DkimSigningException {
        RawMessage raw = RawMessage.parse(message);
        List<String> fields = signatureFields(raw, keys);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.bytesUnsafe().length + 600 * fields.size());
        for (String field : fields) {
            byte[] bytes = field.getBytes(StandardCharsets.US_ASCII);
            out.write(bytes, 0, bytes.length);
            out.write('\r');
            out.write('\n');
        }
        out.write(raw.bytesUnsafe(), 0, raw.bytesUnsafe().length);
        return out.toByteArray();
    }

    /** The DKIM-Signature fields (folded, without the final CRLF), in the order of {@code keys}. */
    public List<String> signatureFields(RawMessage message, List<DkimSigningKey> keys) throws DkimSigningException {
        int fromCount = message.count("from");
        if (fromCount != 1) {
            throw new DkimSigningException(fromCount == 0
                ? "the message has no From header field; DKIM requires one"
                : "the message has " + fromCount + " From header fields; refusing to sign an ambiguous author");
        }
        String bodyHash = Base64.getEncoder().encodeToString(bodyHash(message));
        List<String> names = signedHeaders.select(message);
        byte[] signedHeaderData = headerData(message, names);
        long now = clock.instant().getEpochSecond();
        List<String> fields = new ArrayList<>(keys.size());
        for (DkimSigningKey key : keys) {
            fields.add(signatureField(key, names, bodyHash, signedHeaderData, now));
        }
        return fields;
    }

    private String signatureField(DkimSigningKey key, List<String> names, String bodyHash, byte[] signedHeaderData,
                                  long now) {
        Folder folder = new Folder(FIELD_NAME + ":");
        folder.tag("v=1;");
        folder.tag("a=" + key.algorithm().tagValue() + ";");
        folder.tag("c=" + headerCanonicalization.tagValue() + "/" + bodyCanonicalization.tagValue() + ";");
        folder.tag("d=" + key.domain() + ";");
        folder.tag("s=" + key.selector() + ";");
        folder.tag("t=" + now + ";");
        expiry.ifPresent(ttl -> folder.tag("x=" + (now + ttl.getSeconds()) + ";"));
        for (int i = 0; i < names.size(); i++) {
            String piece = names.get(i) + (i + 1 < names.size() ? ":" : ";");
            if (i == 0) {
                folder.tag("h=" + piece);
            } else {
                folder.continuation(piece);
            }
        }
        folder.tag("bh=" + bodyHash + ";");
        folder.tag("b=");
        // RFC 6376 3.7: the field is hashed with an empty b= value, without its final CRLF
        String unsigned = folder.text();
        byte[] canonicalField = headerCanonicalization.header(unsigned.getBytes(StandardCharsets.US_ASCII));
        byte[] data = new byte[signedHeaderData.length + canonicalField.length];
        System.arraycopy(signedHeaderData, 0, data, 0, signedHeaderData.length);
        System.arraycopy(canonicalField, 0, data, signedHeaderData.length, canonicalField.length);
        folder.base64(Base64.getEncoder().encodeToString(key.key().sign(data)));
        return folder.text();
    }

    private byte[] bodyHash(RawMessage message) {
        MessageDigest digest = sha256();
        bodyCanonicalization.body(message.bytesUnsafe(), message.bodyStart(), message.bytesUnsafe().length, digest);
        return digest.digest();
    }

    /** The canonical fields named in {@code h=}, each instance taken bottom-up (RFC 6376 5.4.2). */
    private byte[] headerData(RawMessage message, List<String> names) {
        Map<String, List<HeaderField>> byName = new HashMap<>();
        for (HeaderField header : message.headers()) {
            byName.computeIfAbsent(header.lowerCaseName(), k -> new ArrayList<>()).add(header);
        }
        Map<String, Integer> used = new HashMap<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        for (String name : names) {
            List<HeaderField> instances = byName.getOrDefault(name, List.of());
            int taken = used.merge(name, 1, Integer::sum);
            int index = instances.size() - taken;
            if (index >= 0) {
                byte[] canonical = headerCanonicalization.header(instances.get(index).rawUnsafe());
                out.write(canonical, 0, canonical.length);
            }
        }
        return out.toByteArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Builds a folded field: lines of at most {@value #LINE_WIDTH} characters, continuation lines start with a space. */
    private static final class Folder {
        private final StringBuilder text = new StringBuilder(600);
        private int column;

        Folder(String start) {
            text.append(start);
            column = start.length();
        }

        /** A tag, separated from the previous one by a space or a fold. */
        void tag(String tag) {
            if (column + 1 + tag.length() > LINE_WIDTH) {
                fold();
            } else {
                text.append(' ');
                column++;
            }
            append(tag);
        }

        /** A piece that may follow the previous one directly or after a fold (FWS is allowed there). */
        void continuation(String piece) {
            if (column + piece.length() > LINE_WIDTH) {
                fold();
            }
            append(piece);
        }

        /** Base64 text filling the lines (FWS inside base64 values is ignored by verifiers). */
        void base64(String value) {
            int i = 0;
            while (i < value.length()) {
                int room = LINE_WIDTH - column;
                if (room < 8) {
                    fold();
                    room = LINE_WIDTH - column;
                }
                int end = Math.min(value.length(), i + room);
                append(value.substring(i, end));
                i = end;
            }
        }

        private void fold() {
            text.append("\r\n ");
            column = 1;
        }

        private void append(String s) {
            text.append(s);
            column += s.length();
        }

        String text() {
            return text.toString();
        }
    }
}
