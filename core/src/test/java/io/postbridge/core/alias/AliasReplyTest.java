package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AliasReplyTest {
    @Test
    void eachRefusingOutcomeHasOneReplyForRcptAndForTheBounce() {
        assertThat(AliasReply.of(Resolution.Outcome.DISABLED_REJECT)).contains(AliasReply.DISABLED);
        assertThat(AliasReply.of(Resolution.Outcome.LOOP)).contains(AliasReply.LOOP);
        assertThat(AliasReply.of(Resolution.Outcome.TOO_DEEP)).contains(AliasReply.LOOP);
        assertThat(AliasReply.of(Resolution.Outcome.TOO_MANY_TARGETS)).contains(AliasReply.TOO_MANY_TARGETS);
        assertThat(AliasReply.of(Resolution.Outcome.FORWARD)).isEmpty();
        assertThat(AliasReply.of(Resolution.Outcome.NOT_ALIAS)).isEmpty();
        assertThat(AliasReply.of(Resolution.Outcome.DISABLED_DROP)).isEmpty();

        assertThat(AliasReply.DISABLED.code() + " " + AliasReply.DISABLED.rcptDescription("old@example.com"))
            .isEqualTo("550 5.2.1 <old@example.com>: this address is disabled");
        assertThat(AliasReply.DISABLED.bounceReason("old@example.com")).isEqualTo("550 5.2.1 old@example.com: this address is disabled");
        assertThat(AliasReply.TRANSACTION_FULL.permanent()).isFalse();
        assertThat(AliasReply.alreadyForwardedBy("info@example.com").bounceReason("a@example.com"))
            .isEqualTo("550 5.4.6 a@example.com: mail loop detected, this message was already forwarded by info@example.com (Delivered-To)");
    }
}
