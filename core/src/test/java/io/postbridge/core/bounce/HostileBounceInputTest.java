package io.postbridge.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Input an attacker controls ends in a report that names the limit it hit, with what was read before it; it never
 * throws and never reads past the byte budget. The large inputs are generated as streams, not held in memory.
 */
class HostileBounceInputTest {
    private static final String DSN_HEAD = "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\n"
        + "Content-Type: multipart/report; report-type=delivery-status; boundary=XX\r\n\r\n"
        + "--XX\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n";

    private static InputStream stream(String... parts) {
        List<InputStream> streams = new java.util.ArrayList<>();
        for (String p : parts) {
            streams.add(new ByteArrayInputStream(p.getBytes(StandardCharsets.US_ASCII)));
        }
        return new SequenceInputStream(Collections.enumeration(streams));
    }

    /** {@code count} copies of {@code unit}, produced on demand. */
    private static InputStream repeated(String unit, long count) {
        byte[] bytes = unit.getBytes(StandardCharsets.US_ASCII);
        return new InputStream() {
            long produced;
            int pos;

            @Override
            public int read() {
                if (produced >= count) {
                    return -1;
                }
                int b = bytes[pos++];
                if (pos == bytes.length) {
                    pos = 0;
                    produced++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len) {
                    int c = read();
                    if (c < 0) {
                        return n == 0 ? -1 : n;
                    }
                    b[off + n++] = (byte) c;
                }
                return n;
            }
        };
    }

    @Test
    void truncatedMimeGivesTheRecipientsReadBeforeTheCut() throws IOException {
        BounceReport report = new BounceParser().parse(stream(DSN_HEAD,
            "Final-Recipient: rfc822; cut@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no su"));

        assertThat(report.kind()).isEqualTo(BounceKind.BOUNCE);
        assertThat(report.recipients()).extracting(BouncedRecipient::address).containsExactly("cut@example.org");
    }

    @Test
    void tenMegabytesOfHeadersStopAtTheHeaderLimit() throws IOException {
        InputStream in = new SequenceInputStream(stream("From: MAILER-DAEMON@mx.example\r\n"),
            new SequenceInputStream(repeated("X-Junk: " + "a".repeat(90) + "\r\n", 10L * 1024 * 1024 / 100), stream("\r\nbody\r\n")));

        BounceReport report = new BounceParser().parse(in);

        assertThat(report.kind()).isEqualTo(BounceKind.NOT_A_BOUNCE);
        assertThat(report.limitHit()).hasValueSatisfying(limit -> assertThat(limit).startsWith("headers"));
    }

    @Test
    void oneEndlessHeaderLineStopsAtTheLineLimit() throws IOException {
        BounceReport report = new BounceParser().parse(new SequenceInputStream(stream("Subject: "),
            repeated("a", 10L * 1024 * 1024)));

        assertThat(report.limitHit()).hasValueSatisfying(limit -> assertThat(limit).startsWith("headers"));
    }

    @Test
    void deeplyNestedMultipartsStopAtTheNestingLimit() throws IOException {
        StringBuilder message = new StringBuilder("From: MAILER-DAEMON@mx.example\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int i = 1; i < 5000; i++) {
            message.append("--b").append(i - 1).append("\r\nContent-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n");
        }
        BounceReport report = new BounceParser().parse(stream(message.toString()));

        assertThat(report.limitHit()).hasValueSatisfying(limit -> assertThat(limit).startsWith("nesting"));
    }

    @Test
    void aReportOfTenThousandRecipientsKeepsTheFirstThousandAndSaysSo() throws IOException {
        InputStream in = new SequenceInputStream(stream(DSN_HEAD),
            repeated("Final-Recipient: rfc822; someone@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n", 10_000));

        BounceReport report = new BounceParser().parse(in);

        assertThat(report.recipients()).hasSize(1000);
        assertThat(report.limitHit()).hasValueSatisfying(limit -> assertThat(limit).startsWith("recipients"));
    }

    @Test
    void aMessageLargerThanTheByteBudgetIsReadOnlyUpToIt() throws IOException {
        BounceParser small = new BounceParser(new BounceParser.Limits(64 * 1024, 1000, 1000, 12, 256 * 1024, Duration.ofSeconds(2)));
        InputStream body = repeated("filler line of a text bounce that never ends\r\n", 1_000_000);
        CountingStream counted = new CountingStream(new SequenceInputStream(stream(
            "From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\n\r\n<x@example.org>: 550 5.1.1 unknown user\r\n"), body));

        BounceReport report = small.parse(counted);

        assertThat(report.limitHit()).hasValueSatisfying(limit -> assertThat(limit).startsWith("size"));
        assertThat(counted.count).isLessThan(64 * 1024 + 16 * 1024);
        assertThat(report.recipients()).extracting(BouncedRecipient::address).containsExactly("x@example.org");
    }

    @Test
    void aTimeBudgetOfZeroEndsParsingWithATimeLimit() throws IOException {
        BounceParser hurried = new BounceParser(new BounceParser.Limits(1 << 20, 1000, 1000, 12, 1 << 16, Duration.ZERO));

        BounceReport report = hurried.parse(stream(DSN_HEAD, "Final-Recipient: rfc822; a@example.org\r\nStatus: 5.1.1\r\n"));

        assertThat(report.limitHit()).hasValueSatisfying(limit -> assertThat(limit).startsWith("time"));
    }

    @Test
    void binaryGarbageIsNotABounce() throws IOException {
        byte[] garbage = new byte[200_000];
        new java.util.Random(42).nextBytes(garbage);

        BounceReport report = new BounceParser().parse(new ByteArrayInputStream(garbage));

        assertThat(report.kind()).isEqualTo(BounceKind.NOT_A_BOUNCE);
    }

    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }
}
