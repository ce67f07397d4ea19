package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a recipient's verifiers say after someone changes a message Postbridge signed. */
class DkimTamperingTest {
    @TempDir
    static Path dir;
    static Path keys;
    String signed;

    @BeforeAll
    static void keyFile() throws IOException {
        keys = TestKeys.keyFile(dir, TestKeys.rsa(), TestKeys.ed25519());
    }

    @BeforeEach
    void sign() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        byte[] message = DkimCorpus.read("27-list-headers-reply-to-cc.eml");
        signed = new String(DkimSigner.withDefaults(Clock.systemUTC()).sign(message, List.of(TestKeys.rsa(), TestKeys.ed25519())),
            StandardCharsets.ISO_8859_1);
        assertThat(verify(signed).passed()).as("untouched message verifies").isTrue();
    }

    @Test
    void changingASignedHeaderFailsEveryVerifier() throws Exception {
        ExternalDkimVerifiers.Verdict verdict = verify(signed.replace("Subject: List mail", "Subject: List mall"));

        assertThat(verdict.rejected()).as(verdict.toString()).isTrue();
        assertThat(verdict.output).contains("dkimpy sig=0 d=example.com s=pb-rsa a=rsa-sha256 result=fail")
            .contains("dkimpy sig=1 d=example.com s=pb-ed a=ed25519-sha256 result=fail")
            .contains("opendkim signatures=2 pass=0")
            .contains("mail-dkim sig=0 d=example.com s=pb-rsa a=rsa-sha256 result=fail");
    }

    @Test
    void changingTheBodyFailsEveryVerifier() throws Exception {
        ExternalDkimVerifiers.Verdict verdict = verify(signed.replace("List body", "List bodY"));

        assertThat(verdict.rejected()).as(verdict.toString()).isTrue();
        assertThat(verdict.output).contains("opendkim signatures=2 pass=0").contains("a=rsa-sha256 result=fail");
    }

    @Test
    void appendingToTheBodyFailsBecauseNoBodyLengthIsSigned() throws Exception {
        assertThat(signed).doesNotContainPattern("[; ]l=");

        assertRejected(verify(signed + "APPENDED BY ATTACKER\r\n"));
    }

    @Test
    void addingASecondSubjectOrFromFailsBecauseTheyAreOverSigned() throws Exception {
        assertRejected(verify("Subject: Urgent: wire money\r\n" + signed));
        assertRejected(verify("From: ceo@example.com\r\n" + signed));
    }

    @Test
    void addingAReplyToTheSenderNeverSetFailsBecauseAbsentReplyToIsOverSigned() throws Exception {
        byte[] withoutReplyTo = DkimSigner.withDefaults(Clock.systemUTC()).sign(
            DkimCorpus.read("01-plain-ascii-crlf.eml"), List.of(TestKeys.rsa()));
        String text = new String(withoutReplyTo, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("Reply-To:");
        assertThat(verify(text).passed()).isTrue();

        assertRejected(verify("Reply-To: thief@evil.example\r\n" + text));
    }

    @Test
    void relaysAddingTraceFieldsDoNotBreakTheSignature() throws Exception {
        ExternalDkimVerifiers.Verdict verdict = verify("Received: from mx by mx2; Wed, 15 Jan 2025 12:00:01 +0000\r\n"
            + "X-Spam-Score: 0.1\r\n" + signed);

        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
    }

    private static void assertRejected(ExternalDkimVerifiers.Verdict verdict) {
        assertThat(verdict.rejected()).as(verdict.toString()).isTrue();
    }

    private static ExternalDkimVerifiers.Verdict verify(String message) throws IOException {
        return ExternalDkimVerifiers.verifyAll(keys, message.getBytes(StandardCharsets.ISO_8859_1), dir);
    }
}
