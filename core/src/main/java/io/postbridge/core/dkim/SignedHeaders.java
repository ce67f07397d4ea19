package io.postbridge.core.dkim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which header fields a signature covers ({@code h=}), in rspamd's notation: {@code (o)name} = sign every instance
 * and over-sign (list the name once more, so a copy added later breaks the signature, RFC 6376 5.4.2) even when the
 * field is absent; {@code (x)name} = over-sign only when present; {@code name} = sign the instances present.
 */
public final class SignedHeaders {
    /**
     * rspamd's default list ({@code sign_headers} of its dkim_signing module): From, Reply-To, Subject, To, Cc are
     * always over-signed; Date, Message-ID, Sender, MIME and threading fields when present; List-* and Resent-* signed.
     */
    public static final String DEFAULT_SPEC = "(o)from:(x)sender:(o)reply-to:(o)subject:(x)date:(x)message-id:"
        + "(o)to:(o)cc:(x)mime-version:(x)content-type:(x)content-transfer-encoding:resent-to:resent-cc:resent-from:"
        + "resent-sender:resent-message-id:(x)in-reply-to:(x)references:list-id:list-help:list-owner:list-unsubscribe:"
        + "list-unsubscribe-post:list-subscribe:list-post:(x)openpgp:(x)autocrypt";

    /** Fields an MTA on the way may legitimately add, remove or rewrite: signing them would break signatures. */
    private static final Set<String> NEVER_SIGNED = Set.of("return-path", "received", "dkim-signature", "bcc",
        "content-length", "arc-seal", "arc-message-signature", "arc-authentication-results", "authentication-results",
        "x-original-to", "delivered-to");
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]+");

    private enum Mode { SIGN, OVERSIGN_ALWAYS, OVERSIGN_IF_PRESENT }

    private final Map<String, Mode> fields;

    private SignedHeaders(Map<String, Mode> fields) {
        this.fields = fields;
    }

    public static SignedHeaders defaults() {
        return parse(DEFAULT_SPEC);
    }

    /** Parses a colon- or comma-separated list such as {@link #DEFAULT_SPEC}. {@code from} must be in it. */
    public static SignedHeaders parse(String spec) {
        Map<String, Mode> fields = new LinkedHashMap<>();
        for (String item : spec.split("[:,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            Mode mode = Mode.SIGN;
            String name = item;
            if (item.startsWith("(o)")) {
                mode = Mode.OVERSIGN_ALWAYS;
                name = item.substring(3);
            } else if (item.startsWith("(x)")) {
                mode = Mode.OVERSIGN_IF_PRESENT;
                name = item.substring(3);
            }
            name = name.toLowerCase(Locale.ROOT);
            if (!FIELD_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("'" + item + "' is not a header field name");
            }
            if (NEVER_SIGNED.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' must not be signed: relays add or change it");
            }
            fields.put(name, mode);
        }
        if (!fields.containsKey("from")) {
            throw new IllegalArgumentException("the signed header list must contain 'from' (RFC 6376 5.4)");
        }
        return new SignedHeaders(Collections.unmodifiableMap(fields));
    }

    /** The {@code h=} names for this message: one per instance present, plus one more for over-signed fields. */
    public List<String> select(RawMessage message) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Mode> field : fields.entrySet()) {
            int present = message.count(field.getKey());
            int times = present;
            if (field.getValue() == Mode.OVERSIGN_ALWAYS
                || (field.getValue() == Mode.OVERSIGN_IF_PRESENT && present > 0)) {
                times++;
            }
            for (int i = 0; i < times; i++) {
                names.add(field.getKey());
            }
        }
        return names;
    }

    /** The list in the notation {@link #parse(String)} reads. */
    public String spec() {
        List<String> items = new ArrayList<>();
        fields.forEach((name, mode) -> items.add(
            (mode == Mode.OVERSIGN_ALWAYS ? "(o)" : mode == Mode.OVERSIGN_IF_PRESENT ? "(x)" : "") + name));
        return String.join(":", items);
    }

    @Override
    public String toString() {
        return spec();
    }
}
