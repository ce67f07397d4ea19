package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RawMessageTest {
    @Test
    void splitsFoldedFieldsAndFindsTheBody() {
        RawMessage message = RawMessage.parse(
            "Subject: a\r\n b\r\nFrom : x@example.com\r\nX-Empty:\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(message.headers()).extracting(HeaderField::name).containsExactly("Subject", "From", "X-Empty");
        assertThat(new String(message.headers().get(0).raw(), StandardCharsets.US_ASCII)).isEqualTo("Subject: a\r\n b\r\n");
        assertThat(message.bodyLength()).isEqualTo(6);
        assertThat(message.count("from")).isEqualTo(1);
    }

    @Test
    void aMessageWithoutBlankLineIsAllHeaders() {
        RawMessage message = RawMessage.parse("From: x@example.com".getBytes(StandardCharsets.US_ASCII));

        assertThat(message.headers()).hasSize(1);
        assertThat(message.bodyLength()).isZero();
    }
}
