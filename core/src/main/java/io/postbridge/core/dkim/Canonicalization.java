package io.postbridge.core.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Locale;

/** RFC 6376 section 3.4 canonicalization algorithms, applied to bytes in wire form. */
public enum Canonicalization {
    SIMPLE("simple"),
    RELAXED("relaxed");

    private static final byte[] CRLF = {'\r', '\n'};

    private final String tagValue;

    Canonicalization(String tagValue) {
        this.tagValue = tagValue;
    }

    public String tagValue() {
        return tagValue;
    }

    public static Canonicalization fromTagValue(String value) {
        for (Canonicalization c : values()) {
            if (c.tagValue.equalsIgnoreCase(value.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown canonicalization '" + value + "'; expected simple or relaxed");
    }

    /**
     * Canonical form of one header field. {@code raw} is the field as in the message (all folded lines); a final CRLF
     * is kept if present (the DKIM-Signature field being signed has none).
     */
    public byte[] header(byte[] raw) {
        if (this == SIMPLE) {
            return raw.clone();
        }
        int colon = -1;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == ':') {
                colon = i;
                break;
            }
        }
        boolean endsWithCrlf = raw.length >= 2 && raw[raw.length - 2] == '\r' && raw[raw.length - 1] == '\n';
        int end = endsWithCrlf ? raw.length - 2 : raw.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        // name: lower-cased, white space before the colon removed
        int nameEnd = colon < 0 ? end : colon;
        while (nameEnd > 0 && isWsp(raw[nameEnd - 1])) {
            nameEnd--;
        }
        for (int i = 0; i < nameEnd; i++) {
            byte b = raw[i];
            out.write(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b);
        }
        if (colon >= 0) {
            out.write(':');
            // value: unfolded, runs of WSP become one SP, WSP at both ends removed
            boolean pendingSpace = false;
            boolean started = false;
            for (int i = colon + 1; i < end; i++) {
                byte b = raw[i];
                if (b == '\r' || b == '\n') {
                    continue;
                }
                if (isWsp(b)) {
                    pendingSpace = started;
                    continue;
                }
                if (pendingSpace) {
                    out.write(' ');
                    pendingSpace = false;
                }
                out.write(b);
                started = true;
            }
        }
        if (endsWithCrlf) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Feeds the canonical body ({@code body[from, to)}, wire form) into {@code digest}. */
    public void body(byte[] body, int from, int to, MessageDigest digest) {
        int pendingEmptyLines = 0;
        boolean wroteAnything = false;
        int i = from;
        byte[] line = new byte[256];
        while (i < to) {
            int lineEnd = i;
            while (lineEnd < to && !(body[lineEnd] == '\r' && lineEnd + 1 < to && body[lineEnd + 1] == '\n')) {
                lineEnd++;
            }
            int next = Math.min(to, lineEnd + 2);
            int length;
            if (this == SIMPLE) {
                if (line.length < lineEnd - i) {
                    line = new byte[lineEnd - i];
                }
                System.arraycopy(body, i, line, 0, lineEnd - i);
                length = lineEnd - i;
            } else {
                if (line.length < lineEnd - i) {
                    line = new byte[lineEnd - i];
                }
                length = relaxLine(body, i, lineEnd, line);
            }
            if (length == 0) {
                pendingEmptyLines++;
            } else {
                for (; pendingEmptyLines > 0; pendingEmptyLines--) {
                    digest.update(CRLF);
                }
                digest.update(line, 0, length);
                digest.update(CRLF);
                wroteAnything = true;
            }
            i = next;
        }
        if (!wroteAnything && this == SIMPLE) {
            // RFC 6376 3.4.3: an empty body canonicalizes to one CRLF under "simple" (and to nothing under "relaxed")
            digest.update(CRLF);
        }
    }

    /** Relaxed body rules for one line: WSP runs become one SP, WSP at the end of the line is removed. */
    private static int relaxLine(byte[] src, int from, int to, byte[] dst) {
        int length = 0;
        boolean pendingSpace = false;
        for (int i = from; i < to; i++) {
            byte b = src[i];
            if (isWsp(b)) {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace) {
                dst[length++] = ' ';
                pendingSpace = false;
            }
            dst[length++] = b;
        }
        return length;
    }

    private static boolean isWsp(byte b) {
        return b == ' ' || b == '\t';
    }

    @Override
    public String toString() {
        return tagValue.toLowerCase(Locale.ROOT);
    }
}
