package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class EnvelopeRecipientsTest {
    private static final String MESSAGE = "From: a@example.com\r\n"
        + "To: Bob <bob@remote.test>, carol@remote.test\r\n"
        + "Cc: \"Dave D\" <DAVE@remote.test>\r\n"
        + "Subject: hi\r\n"
        + "\r\n"
        + "body Bcc: not a header\r\n";

    @Test
    void envelopeRecipientsMissingFromToAndCcBecomeBcc() {
        byte[] result = EnvelopeRecipients.withBccForEnvelopeOnly(MESSAGE.getBytes(StandardCharsets.UTF_8),
            List.of("bob@remote.test", "dave@remote.test", "hidden@remote.test", "other@else.test"));
        assertThat(new String(result, StandardCharsets.UTF_8))
            .isEqualTo("Bcc: hidden@remote.test,\r\n other@else.test\r\n" + MESSAGE);
    }

    @Test
    void nothingChangesWhenEveryRecipientIsVisible() {
        byte[] original = MESSAGE.getBytes(StandardCharsets.UTF_8);
        assertThat(EnvelopeRecipients.withBccForEnvelopeOnly(original, List.of("carol@remote.test"))).isEqualTo(original);
    }

    @Test
    void aBccHeaderLeftInTheMessageIsReplacedByTheEnvelope() {
        String withBcc = "From: a@example.com\r\nTo: bob@remote.test\r\nBcc: sneaky@remote.test,\r\n  more@remote.test\r\n"
            + "Subject: x\r\n\r\nbody\r\n";
        String result = new String(EnvelopeRecipients.withBccForEnvelopeOnly(withBcc.getBytes(StandardCharsets.UTF_8),
            List.of("bob@remote.test", "real@remote.test")), StandardCharsets.UTF_8);
        assertThat(result).isEqualTo("Bcc: real@remote.test\r\nFrom: a@example.com\r\nTo: bob@remote.test\r\n"
            + "Subject: x\r\n\r\nbody\r\n");
    }
}
