package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class CanonicalizationTest {
    /** RFC 6376 section 3.4.6, the worked example. */
    private static final String RFC_EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    @Test
    void relaxedHeadersFollowTheRfcExample() {
        RawMessage message = RawMessage.parse(bytes(RFC_EXAMPLE));

        String canonical = message.headers().stream()
            .map(field -> text(Canonicalization.RELAXED.header(field.raw())))
            .collect(Collectors.joining());

        assertThat(canonical).isEqualTo("a:X\r\nb:Y Z\r\n");
    }

    @Test
    void simpleHeadersAreUnchanged() {
        RawMessage message = RawMessage.parse(bytes(RFC_EXAMPLE));

        assertThat(text(Canonicalization.SIMPLE.header(message.headers().get(1).raw())))
            .isEqualTo("B : Y\t\r\n\tZ  \r\n");
    }

    @Test
    void relaxedBodyFollowsTheRfcExample() {
        assertThat(canonicalBody(Canonicalization.RELAXED, RFC_EXAMPLE)).isEqualTo(sha256(" C\r\nD E\r\n"));
    }

    @Test
    void simpleBodyFollowsTheRfcExample() {
        assertThat(canonicalBody(Canonicalization.SIMPLE, RFC_EXAMPLE)).isEqualTo(sha256(" C \r\nD \t E\r\n"));
    }

    @Test
    void emptyBodyIsOneCrlfUnderSimpleAndNothingUnderRelaxed() {
        String noBody = "From: a@example.com\r\n\r\n";
        assertThat(canonicalBody(Canonicalization.SIMPLE, noBody)).isEqualTo("frcCV1k9oG9oKj3dpUqdJg1PxRT2RSN/XKdLCPjaYaY=");
        assertThat(canonicalBody(Canonicalization.RELAXED, noBody)).isEqualTo("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assertThat(canonicalBody(Canonicalization.SIMPLE, noBody + "\r\n\r\n")).isEqualTo(sha256("\r\n"));
        assertThat(canonicalBody(Canonicalization.RELAXED, noBody + " \t\r\n\r\n")).isEqualTo(sha256(""));
    }

    @Test
    void relaxedHeaderKeepsEightBitBytesAndLowerCasesOnlyTheName() {
        byte[] raw = "SUBJECT:  Grüße  \r\n\t aus\tKöln \r\n".getBytes(StandardCharsets.UTF_8);

        assertThat(new String(Canonicalization.RELAXED.header(raw), StandardCharsets.UTF_8))
            .isEqualTo("subject:Grüße aus Köln\r\n");
    }

    @Test
    void bodyHashesMatchDkimpyOnTheSharedFixture() throws Exception {
        // bh= values dkimpy wrote into ../shared/tools/dkim-verify/fixtures (same msg.eml)
        ExternalDkimVerifiers.assumeInstalled();
        byte[] msg = java.nio.file.Files.readAllBytes(ExternalDkimVerifiers.toolDirectory().resolve("fixtures/msg.eml"));
        String relaxed = bhOf("fixtures/signed-rsa-relaxed.eml");
        String simple = bhOf("fixtures/signed-rsa-simple.eml");

        String message = new String(msg, StandardCharsets.ISO_8859_1);
        assertThat(canonicalBody(Canonicalization.RELAXED, message)).isEqualTo(relaxed);
        assertThat(canonicalBody(Canonicalization.SIMPLE, message)).isEqualTo(simple);
    }

    private static String bhOf(String fixture) throws Exception {
        String signed = new String(java.nio.file.Files.readAllBytes(ExternalDkimVerifiers.toolDirectory().resolve(fixture)),
            StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bh=([A-Za-z0-9+/=]+)").matcher(signed);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String canonicalBody(Canonicalization c, String message) {
        RawMessage raw = RawMessage.parse(message.getBytes(StandardCharsets.ISO_8859_1));
        MessageDigest digest = sha();
        c.body(raw.bytes(), raw.bodyStart(), raw.bytes().length, digest);
        return Base64.getEncoder().encodeToString(digest.digest());
    }

    private static String sha256(String data) {
        return Base64.getEncoder().encodeToString(sha().digest(data.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
