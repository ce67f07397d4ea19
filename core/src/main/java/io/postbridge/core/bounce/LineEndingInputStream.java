package io.postbridge.core.bounce;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns lone CRs (old Mac line ends, which mime4j does not see as line ends) into LF, leaves CRLF and LF alone, and
 * ends the stream at a byte budget so a hostile sender cannot make the parser read forever.
 */
final class LineEndingInputStream extends FilterInputStream {
    private final long maxBytes;
    private long count;
    private int pushed = -1;
    private boolean limitHit;

    LineEndingInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    boolean limitHit() {
        return limitHit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (count >= maxBytes) {
            limitHit = in.read() >= 0 || limitHit;
            return -1;
        }
        int start = off;
        int want = (int) Math.min(len, maxBytes - count);
        if (pushed >= 0) {
            b[off++] = (byte) pushed;
            pushed = -1;
            want--;
        }
        int n = want > 0 ? in.read(b, off, want) : 0;
        if (n < 0) {
            return off > start ? off - start : -1;
        }
        int end = off + n;
        for (int i = start; i < end; i++) {
            if (b[i] != '\r') {
                continue;
            }
            if (i + 1 < end) {
                if (b[i + 1] != '\n') {
                    b[i] = '\n';
                }
            } else {
                // a CR ends this chunk: look at the next byte so the CR is settled before it is handed out
                int next = in.read();
                if (next != '\n') {
                    b[i] = '\n';
                }
                pushed = next;
            }
        }
        count += end - start;
        return end - start;
    }

    @Override
    public int available() throws IOException {
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
