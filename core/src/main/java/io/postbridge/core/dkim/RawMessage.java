package io.postbridge.core.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A message in wire form (see {@link LineEndings}) split into its header fields and the offset of its body. Works on
 * bytes throughout, so 8-bit and UTF-8 header text is hashed exactly as sent.
 */
public final class RawMessage {
    private final byte[] bytes;
    private final List<HeaderField> headers;
    private final int bodyStart;

    private RawMessage(byte[] bytes, List<HeaderField> headers, int bodyStart) {
        this.bytes = bytes;
        this.headers = headers;
        this.bodyStart = bodyStart;
    }

    /** Parses {@code message}, converting it to wire form first. */
    public static RawMessage parse(byte[] message) {
        byte[] wire = LineEndings.toWireForm(message);
        int n = wire.length;
        List<HeaderField> headers = new ArrayList<>();
        int i = 0;
        int bodyStart = n;
        while (i < n) {
            if (isLineEnd(wire, i)) {
                bodyStart = i + 2;
                break;
            }
            int start = i;
            int end = nextLineStart(wire, i);
            while (end < n && (wire[end] == ' ' || wire[end] == '\t')) {
                end = nextLineStart(wire, end);
            }
            headers.add(field(Arrays.copyOfRange(wire, start, end)));
            i = end;
        }
        return new RawMessage(wire, Collections.unmodifiableList(headers), bodyStart);
    }

    private static HeaderField field(byte[] raw) {
        int colon = -1;
        for (int j = 0; j < raw.length && raw[j] != '\r'; j++) {
            if (raw[j] == ':') {
                colon = j;
                break;
            }
        }
        if (colon < 0) {
            return new HeaderField("", raw, -1);
        }
        int nameEnd = colon;
        while (nameEnd > 0 && (raw[nameEnd - 1] == ' ' || raw[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        return new HeaderField(new String(raw, 0, nameEnd, StandardCharsets.ISO_8859_1), raw, colon);
    }

    private static boolean isLineEnd(byte[] b, int i) {
        return i + 1 < b.length && b[i] == '\r' && b[i + 1] == '\n';
    }

    private static int nextLineStart(byte[] b, int i) {
        int n = b.length;
        while (i < n && !isLineEnd(b, i)) {
            i++;
        }
        return Math.min(n, i + 2);
    }

    /** The whole message in wire form. */
    public byte[] bytes() {
        return bytes.clone();
    }

    byte[] bytesUnsafe() {
        return bytes;
    }

    public List<HeaderField> headers() {
        return headers;
    }

    public int bodyStart() {
        return bodyStart;
    }

    public int bodyLength() {
        return bytes.length - bodyStart;
    }

    /** Number of fields with this name (case-insensitive). */
    public int count(String name) {
        int count = 0;
        for (HeaderField header : headers) {
            if (header.hasName(name)) {
                count++;
            }
        }
        return count;
    }

    /** The first field with this name, top-down. */
    public java.util.Optional<HeaderField> first(String name) {
        return headers.stream().filter(header -> header.hasName(name)).findFirst();
    }
}
