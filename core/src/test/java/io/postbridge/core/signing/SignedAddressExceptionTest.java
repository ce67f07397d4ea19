package io.postbridge.core.signing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.postbridge.core.signing.SignedAddressException.Reason;
import io.postbridge.core.signing.SignedAddressException.Scheme;

/** The words operators see in logs, events and 550 replies stay those of the former SRS and VERP exceptions. */
class SignedAddressExceptionTest {
    @Test
    void srsReasonsKeepTheirWords() {
        assertThat(text(Scheme.SRS, Reason.NOT_SIGNED)).isEqualTo("not an SRS address");
        assertThat(text(Scheme.SRS, Reason.MALFORMED)).isEqualTo("malformed SRS address");
        assertThat(text(Scheme.SRS, Reason.HASH_TOO_SHORT)).isEqualTo("SRS hash too short");
        assertThat(text(Scheme.SRS, Reason.BAD_HASH)).isEqualTo("SRS hash invalid");
        assertThat(text(Scheme.SRS, Reason.BAD_TIMESTAMP)).isEqualTo("SRS timestamp invalid");
        assertThat(text(Scheme.SRS, Reason.EXPIRED)).isEqualTo("SRS address expired");
    }

    @Test
    void verpReasonsKeepTheirWords() {
        assertThat(text(Scheme.VERP, Reason.MALFORMED)).isEqualTo("malformed VERP address");
        assertThat(text(Scheme.VERP, Reason.BAD_HASH)).isEqualTo("VERP signature invalid");
        assertThat(text(Scheme.VERP, Reason.BAD_TIMESTAMP)).isEqualTo("VERP timestamp invalid");
        assertThat(text(Scheme.VERP, Reason.EXPIRED)).isEqualTo("VERP address expired");
    }

    private static String text(Scheme scheme, Reason reason) {
        SignedAddressException e = new SignedAddressException(scheme, reason);
        assertThat(e.getMessage()).isEqualTo(e.text());
        assertThat(e.scheme()).isEqualTo(scheme);
        assertThat(e.reason()).isEqualTo(reason);
        return e.text();
    }
}
