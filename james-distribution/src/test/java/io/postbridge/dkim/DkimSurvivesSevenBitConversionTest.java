package io.postbridge.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.Converter7Bit;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.dkim.DkimCorpus;
import io.postbridge.core.dkim.DkimSigner;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.core.dkim.mime.SigningPreparation;

/**
 * When the receiving server lacks 8BITMIME, RemoteDelivery runs James's {@link Converter7Bit} on the message it
 * sends, after DkimSign signed it. Here that exact James code runs on signed 8-bit messages: with DkimSign's
 * default (8-bit parts re-encoded before signing) there is nothing left to convert and the signatures hold.
 */
class DkimSurvivesSevenBitConversionTest {
    /**
     * Messages with 8-bit bodies. Not here: raw 8-bit header text (corpus 10, 35). Converter7Bit makes James rewrite
     * the header block, and James writes header lines as US-ASCII, turning those bytes into '?' after signing; such
     * headers are not allowed towards a server without 8BITMIME/SMTPUTF8 in the first place (documented limitation).
     */
    private static final List<String> EIGHT_BIT = List.of("11-latin1-8bit-body.eml", "12-utf8-8bit-body.eml",
        "31-html-only-utf8-8bit.eml", "21-nested-multipart.eml", "33-control-characters.eml", "01-plain-ascii-crlf.eml");
    private static final DkimTestKeys KEYS = new DkimTestKeys("example.com");

    @TempDir
    static Path dir;
    static Path keys;

    @BeforeAll
    static void keyFile() throws Exception {
        keys = KEYS.keyFile(dir);
    }

    @Test
    void signaturesOfReEncodedMessagesSurviveJamesSevenBitConversion() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        for (String name : EIGHT_BIT) {
            byte[] sent = convertedByRemoteDelivery(sign(new SigningPreparation(true), name));

            ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(keys, sent, dir);
            assertThat(verdict.passed()).as(name + "\n" + verdict).isTrue();
        }
    }

    @Test
    void withoutReEncodingJamesConversionWouldBreakThem() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        byte[] signed = sign(new SigningPreparation(false), "12-utf8-8bit-body.eml");
        ExternalDkimVerifiers.Verdict before = ExternalDkimVerifiers.verifyAll(keys, signed, dir);
        assertThat(before.passed()).as("as signed, before James converts it\n" + before).isTrue();
        byte[] sent = convertedByRemoteDelivery(signed);

        assertThat(new String(sent, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("X-MIME-Autoconverted");
        ExternalDkimVerifiers.Verdict after = ExternalDkimVerifiers.verifyAll(keys, sent, dir);
        assertThat(after.rejected()).as(after.toString()).isTrue();
    }

    private static byte[] sign(SigningPreparation preparation, String corpusMessage) throws Exception {
        byte[] prepared = preparation.prepare(Files.readAllBytes(DkimCorpus.directory().resolve(corpusMessage)));
        List<DkimSigningKey> signWith = List.of(KEYS.rsa, KEYS.ed25519);
        return DkimSigner.withDefaults(Clock.systemUTC()).sign(prepared, signWith);
    }

    /** As the mailet hands the message to James, as the queue stores it, and as MailDelivrerToHost adapts it. */
    private static byte[] convertedByRemoteDelivery(byte[] signed) throws Exception {
        MimeMessage handedToJames = new SigningPreparation(true).toMimeMessage(signed);
        MimeMessageWrapper dequeued = new MimeMessageWrapper(handedToJames);
        new Converter7Bit(FakeMailContext.defaultContext()).convertTo7Bit(dequeued);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dequeued.writeTo(out);
        return out.toByteArray();
    }
}
