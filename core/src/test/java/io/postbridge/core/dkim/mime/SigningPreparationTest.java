package io.postbridge.core.dkim.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.postbridge.core.dkim.DkimCorpus;
import io.postbridge.core.dkim.LineEndings;
import io.postbridge.core.dkim.RawMessage;

class SigningPreparationTest {
    private final SigningPreparation keep8bit = new SigningPreparation(false);
    private final SigningPreparation encode8bit = new SigningPreparation(true);

    static Stream<Path> corpus() {
        return DkimCorpus.messages().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void withoutReEncodingTheBodyBytesAreUntouchedAndASecondPassChangesNothing(Path file) throws Exception {
        byte[] original = LineEndings.toWireForm(Files.readAllBytes(file));

        byte[] prepared = LineEndings.toWireForm(keep8bit.prepare(original));

        assertThat(body(prepared)).isEqualTo(body(original));
        assertThat(LineEndings.toWireForm(keep8bit.prepare(prepared))).isEqualTo(prepared);
        assertThat(headerText(prepared)).contains(headerText(original).split("\r\n(?![ \t])")[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void reEncodingLeavesNo8bitPartsKeepsTheContentAndIsStable(Path file) throws Exception {
        byte[] original = LineEndings.toWireForm(Files.readAllBytes(file));

        byte[] prepared = LineEndings.toWireForm(encode8bit.prepare(original));

        assertThat(encodings(prepared)).doesNotContain("8bit", "binary");
        assertThat(decodedLeaves(prepared)).isEqualTo(decodedLeaves(original));
        assertThat(LineEndings.toWireForm(encode8bit.prepare(prepared))).isEqualTo(prepared);
    }

    @Test
    void eightBitHeaderBytesSurvive() throws Exception {
        byte[] original = DkimCorpus.read("10-utf8-raw-headers.eml");

        String prepared = new String(encode8bit.prepare(original), StandardCharsets.UTF_8);

        assertThat(prepared).contains("Subject: Grüße aus Köln – 日本語の件名 ✓\r\n")
            .contains("From: Jürgen Müller <juergen@example.com>\r\n")
            .contains("Content-Transfer-Encoding: quoted-printable");
    }

    @Test
    void headersSaveChangesWouldAddLaterAreAddedNowAndAnExistingMessageIdIsKept() throws Exception {
        String minimal = new String(keep8bit.prepare(DkimCorpus.read("28-no-date-no-message-id.eml")), StandardCharsets.US_ASCII);
        String plain = new String(keep8bit.prepare(DkimCorpus.read("01-plain-ascii-crlf.eml")), StandardCharsets.US_ASCII);

        assertThat(minimal).contains("\r\nDate: ").contains("\r\nMessage-ID: <").contains("MIME-Version: 1.0");
        assertThat(plain).contains("Message-ID: <plain-ascii@example.com>");
    }

    @Test
    void anUnlabelledEightBitBodyIsLabelledAsItIsNotGuessedQuotedPrintable() throws Exception {
        byte[] message = "From: a@example.com\r\nSubject: x\r\n\r\nCaf\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);

        String prepared = new String(keep8bit.prepare(message), StandardCharsets.ISO_8859_1);

        assertThat(prepared).contains("Content-Transfer-Encoding: 8bit").endsWith("\r\n\r\nCaf\u00e9\r\n");
    }

    private static byte[] body(byte[] message) {
        RawMessage raw = RawMessage.parse(message);
        return Arrays.copyOfRange(raw.bytes(), raw.bodyStart(), raw.bytes().length);
    }

    private static String headerText(byte[] message) {
        RawMessage raw = RawMessage.parse(message);
        return new String(raw.bytes(), 0, raw.bodyStart(), StandardCharsets.ISO_8859_1);
    }

    private static MimeMessage parse(byte[] message) throws MessagingException {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(message));
    }

    private static List<String> encodings(byte[] message) throws Exception {
        List<String> result = new ArrayList<>();
        walk(parse(message), (part, depth) -> {
            String encoding = ((javax.mail.internet.MimePart) part).getEncoding();
            if (encoding != null) {
                result.add(encoding.toLowerCase());
            }
        });
        return result;
    }

    /** The decoded bytes of every leaf part: what a mail reader shows, whatever the transfer encoding. */
    private static List<String> decodedLeaves(byte[] message) throws Exception {
        List<String> result = new ArrayList<>();
        walk(parse(message), (part, depth) -> {
            if (!part.isMimeType("multipart/*")) {
                try (InputStream in = part.getInputStream()) {
                    // line endings inside text are not significant across encodings
                    result.add(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).replace("\r\n", "\n"));
                }
            }
        });
        return result;
    }

    private interface PartVisitor {
        void visit(Part part, int depth) throws Exception;
    }

    private static void walk(Part part, PartVisitor visitor) throws Exception {
        visitor.visit(part, 0);
        if (part.isMimeType("multipart/*")) {
            MimeMultipart multipart = (MimeMultipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                walk(child, visitor);
            }
        }
    }

}
