package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class LineEndingsTest {
    @Test
    void everyLoneCrAndLfBecomesCrlfLikeJavaMailsSmtpTransport() {
        assertThat(wire("a\nb\rc\r\nd\r\r\ne")).isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\ne\r\n");
    }

    @Test
    void aMissingFinalLineBreakIsAddedAsSmtpDoesBeforeTheDot() {
        assertThat(wire("x")).isEqualTo("x\r\n");
        assertThat(wire("")).isEqualTo("");
    }

    @Test
    void wireFormIsReturnedAsIs() {
        byte[] ok = "a\r\nb\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(LineEndings.toWireForm(ok)).isSameAs(ok);
    }

    private static String wire(String s) {
        return new String(LineEndings.toWireForm(s.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
    }
}
