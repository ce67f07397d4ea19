package io.postbridge.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BounceParserTest {
    private final BounceParser parser = new BounceParser();

    private BounceReport parse(String corpusFile) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/bounce-corpus/" + corpusFile)) {
            return parser.parse(in);
        }
    }

    @Test
    void rfc3464ReportGivesTheRemoteReplyTheRemoteMtaAndTheReturnedMessageId() throws IOException {
        BounceReport report = parse("handmade/rfc3464-userunknown-rfc822.eml");

        assertThat(report.kind()).isEqualTo(BounceKind.BOUNCE);
        assertThat(report.format()).isEqualTo("rfc3464");
        BouncedRecipient rcpt = report.recipients().get(0);
        assertThat(rcpt.address()).isEqualTo("nobody@example.net");
        assertThat(rcpt.action()).isEqualTo("failed");
        assertThat(rcpt.remoteReply()).isEqualTo(
            "550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table");
        assertThat(rcpt.remoteMta()).contains("in.example.net");
        assertThat(rcpt.confidence()).isGreaterThanOrEqualTo(0.9);
        assertThat(report.originalMessageId()).contains("<original-1@postbridge.test>");
    }

    @Test
    void theReturnedHeadersAloneAlsoNameTheOriginal() throws IOException {
        BounceReport report = parse("handmade/rfc3464-two-recipients-headers.eml");

        assertThat(report.originalMessageId()).contains("<original-2@postbridge.test>");
        assertThat(report.recipients()).extracting(BouncedRecipient::action).containsExactly("failed", "delayed");
    }

    @Test
    void aGenericStatusIsReplacedByTheSpecificCodeOfTheRemoteReply() throws IOException {
        BouncedRecipient rcpt = parse("exim/exim-userunknown.eml").recipients().get(0);

        assertThat(rcpt.status().map(EnhancedStatus::toString)).contains("5.1.1");
        assertThat(rcpt.hardness()).isEqualTo(Hardness.HARD);
    }

    @Test
    void a511ThatIsReallyARateLimitIsSoft() throws IOException {
        BouncedRecipient rcpt = parse("exim/exim-ratelimit-as-511.eml").recipients().get(0);

        assertThat(rcpt.reason()).isEqualTo(BounceReason.TOOMANYCONN);
        assertThat(rcpt.hardness()).isEqualTo(Hardness.SOFT);
    }

    @Test
    void addressesOfTheQuotedOriginalAreNotTakenForFailedRecipients() throws IOException {
        BounceReport report = parse("handmade/exim-x-failed-recipients.eml");

        assertThat(report.format()).isEqualTo("exim");
        assertThat(report.recipients()).extracting(BouncedRecipient::address).containsExactly("bob@example.com");
        assertThat(report.originalMessageId()).contains("<original-3@postbridge.test>");
    }

    @Test
    void arfComplaintNamesTheComplainingRecipientAndTheFeedbackType() throws IOException {
        BounceReport report = parse("handmade/arf-abuse.eml");

        assertThat(report.kind()).isEqualTo(BounceKind.COMPLAINT);
        assertThat(report.feedbackType()).contains("abuse");
        assertThat(report.recipients()).extracting(BouncedRecipient::address).containsExactly("reader@isp.example");
        assertThat(report.originalMessageId()).contains("<original-4@postbridge.test>");
    }

    @Test
    void arfWithoutOriginalRcptToTakesTheRecipientFromTheAttachedCopy() throws IOException {
        assertThat(parse("handmade/arf-no-original-rcpt-to.eml").recipients())
            .extracting(BouncedRecipient::address).containsExactly("reader2@isp.example");
    }

    @Test
    void autoReplyIsNotABounce() throws IOException {
        BounceReport report = parse("handmade/rfc3834-vacation.eml");

        assertThat(report.kind()).isEqualTo(BounceKind.AUTO_REPLY);
        assertThat(report.recipients()).allMatch(r -> r.hardness() == Hardness.UNKNOWN);
    }

    @Test
    void ordinaryMailWithAnAddressAndANumberIsNotABounce() throws IOException {
        BounceReport report = parse("handmade/plain-mail.eml");

        assertThat(report.kind()).isEqualTo(BounceKind.NOT_A_BOUNCE);
        assertThat(report.recipients()).isEmpty();
    }

    @Test
    void statusCodesAreReadFromFieldsAndText() {
        assertThat(EnhancedStatus.parse("5.1.1 (user unknown)").map(EnhancedStatus::toString)).contains("5.1.1");
        assertThat(EnhancedStatus.find("smtp; 550 5.7.26 unauthenticated").map(EnhancedStatus::toString)).contains("5.7.26");
        assertThat(EnhancedStatus.find("version 10.2.3.4 of the server")).isEmpty();
        assertThat(EnhancedStatus.findReplyCode("host said: 552 quota")).contains(552);
        assertThat(BounceParser.reconcile(EnhancedStatus.parse("5.0.0"), "550 5.1.1 no such user")
            .map(EnhancedStatus::toString)).contains("5.1.1");
        assertThat(BounceParser.reconcile(EnhancedStatus.parse("5.2.2"), "550 5.1.1 no such user")
            .map(EnhancedStatus::toString)).contains("5.2.2");
        assertThat(BounceParser.reconcile(Optional.empty(), "554 rejected").map(EnhancedStatus::toString)).contains("5.0.0");
    }
}
