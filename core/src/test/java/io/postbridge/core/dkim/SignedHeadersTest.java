package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SignedHeadersTest {
    private static final RawMessage MESSAGE = RawMessage.parse((
        "Received: from x\r\nFrom: a@example.com\r\nTo: b@example.net\r\nTo: c@example.net\r\nSubject: s\r\n"
            + "Date: Wed, 15 Jan 2025 12:00:00 +0000\r\nX-Mailer: m\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));

    @Test
    void defaultsOverSignAuthorFieldsEvenWhenAbsentAndDateOnlyWhenPresent() {
        assertThat(SignedHeaders.defaults().select(MESSAGE)).containsExactly(
            "from", "from", "reply-to", "subject", "subject", "date", "date", "to", "to", "to", "cc");
    }

    @Test
    void neverSignsFieldsRelaysChange() {
        assertThat(SignedHeaders.defaults().select(MESSAGE)).doesNotContain("received", "x-mailer");
        assertThatThrownBy(() -> SignedHeaders.parse("from:received"))
            .hasMessageContaining("'received' must not be signed");
    }

    @Test
    void fromIsMandatory() {
        assertThatThrownBy(() -> SignedHeaders.parse("(o)subject:to")).hasMessageContaining("must contain 'from'");
    }

    @Test
    void customListUsesRspamdNotation() {
        SignedHeaders custom = SignedHeaders.parse("from, (x)x-mailer, (o)list-id");

        assertThat(custom.select(MESSAGE)).containsExactly("from", "x-mailer", "x-mailer", "list-id");
        assertThat(custom.spec()).isEqualTo("from:(x)x-mailer:(o)list-id");
    }
}
