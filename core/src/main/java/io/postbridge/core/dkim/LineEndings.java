package io.postbridge.core.dkim;

import java.io.ByteArrayOutputStream;

/**
 * Puts a message into the exact line-ending form it has on the SMTP wire. javax.mail's SMTP transport writes the
 * DATA stream through {@code CRLFOutputStream} (a lone CR, a lone LF and CRLF each become CRLF) and ends the data
 * with CRLF before the final dot. A DKIM signature must be computed over that form, not over the stored bytes.
 */
public final class LineEndings {
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private LineEndings() {
    }

    /** The wire form of {@code message}: every line ending CRLF, and a final CRLF if the last line had none. */
    public static byte[] toWireForm(byte[] message) {
        if (isWireForm(message)) {
            return message;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 32 + 2);
        byte last = 0;
        for (byte b : message) {
            if (b == CR) {
                out.write(CR);
                out.write(LF);
            } else if (b == LF) {
                if (last != CR) {
                    out.write(CR);
                    out.write(LF);
                }
            } else {
                out.write(b);
            }
            last = b;
        }
        byte[] result = out.toByteArray();
        if (result.length > 0 && result[result.length - 1] != LF) {
            out.write(CR);
            out.write(LF);
            result = out.toByteArray();
        }
        return result;
    }

    /** True when every CR is followed by LF, every LF preceded by CR, and the message ends with CRLF (or is empty). */
    static boolean isWireForm(byte[] message) {
        int n = message.length;
        for (int i = 0; i < n; i++) {
            byte b = message[i];
            if (b == CR) {
                if (i + 1 >= n || message[i + 1] != LF) {
                    return false;
                }
                i++;
            } else if (b == LF) {
                return false;
            }
        }
        return n == 0 || message[n - 1] == LF;
    }
}
