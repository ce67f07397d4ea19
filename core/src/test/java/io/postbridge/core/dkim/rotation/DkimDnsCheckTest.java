package io.postbridge.core.dkim.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DkimDnsCheckTest {
    @Test
    void joinsQuotedCharacterStringsAsResolversPrintThem() {
        assertThat(DkimDnsCheck.joinStrings("\"v=DKIM1; k=rsa; \" \"p=MIIB\\\"x\"")).isEqualTo("v=DKIM1; k=rsa; p=MIIB\"x");
        assertThat(DkimDnsCheck.joinStrings("v=DKIM1; p=abc")).isEqualTo("v=DKIM1; p=abc");
    }

    @Test
    void readsTagsIgnoringCaseOfNamesAndSpaces() {
        assertThat(DkimDnsCheck.tags("v=DKIM1; K = ed25519 ;p= abc")).containsEntry("k", "ed25519").containsEntry("p", "abc");
    }
}
