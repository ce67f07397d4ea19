package io.postbridge.core.dkim;

import java.util.Arrays;
import java.util.Locale;

/** One header field of a {@link RawMessage}, as raw bytes (all its folded lines, with the final CRLF). */
public final class HeaderField {
    private final String name;
    private final byte[] raw;
    private final int colon;

    HeaderField(String name, byte[] raw, int colon) {
        this.name = name;
        this.raw = raw;
        this.colon = colon;
    }

    /** Field name as written (without the white space some senders put before the colon); empty when there is no colon. */
    public String name() {
        return name;
    }

    public String lowerCaseName() {
        return name.toLowerCase(Locale.ROOT);
    }

    public boolean hasName(String other) {
        return name.equalsIgnoreCase(other);
    }

    public byte[] raw() {
        return raw.clone();
    }

    byte[] rawUnsafe() {
        return raw;
    }

    /** Index of the colon in {@link #raw()}, or -1. */
    int colon() {
        return colon;
    }

    /** The value as ISO-8859-1 text with line breaks removed (for reading addresses, never for hashing). */
    public String unfoldedValue() {
        if (colon < 0) {
            return "";
        }
        StringBuilder value = new StringBuilder(raw.length - colon);
        for (int i = colon + 1; i < raw.length; i++) {
            char c = (char) (raw[i] & 0xff);
            if (c != '\r' && c != '\n') {
                value.append(c);
            }
        }
        return value.toString().trim();
    }

    @Override
    public String toString() {
        return new String(Arrays.copyOf(raw, Math.min(raw.length, 80)), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
