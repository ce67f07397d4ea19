package io.postbridge.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.postbridge.core.fakes.FakeWebhookReceiver;

/** The signature of the Standard Webhooks spec, checked with the spec's own test vector. */
class WebhookSignatureTest {
    // libraries/python/tests/test_webhooks.py of the Standard Webhooks repository
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void postbridgeSignsTheSpecsTestVectorAsTheSpecSays() {
        assertThat(WebhookSignature.sign(WebhookSecret.parse(SECRET), ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8)))
            .isEqualTo(EXPECTED);
    }

    @Test
    void theFakeReceiverAcceptsTheSpecsVectorAndNothingElse() {
        assertThat(FakeWebhookReceiver.verify(SECRET, ID, Long.toString(TIMESTAMP), BODY, EXPECTED)).isTrue();
        assertThat(FakeWebhookReceiver.verify(SECRET, ID, Long.toString(TIMESTAMP), BODY, "v1,other v1,x " + EXPECTED)).isTrue();
        assertThat(FakeWebhookReceiver.verify(SECRET, ID, Long.toString(TIMESTAMP), BODY + " ", EXPECTED)).isFalse();
        assertThat(FakeWebhookReceiver.verify(SECRET, ID, Long.toString(TIMESTAMP + 1), BODY, EXPECTED)).isFalse();
        assertThat(FakeWebhookReceiver.verify(SECRET, "msg_other", Long.toString(TIMESTAMP), BODY, EXPECTED)).isFalse();
        assertThat(FakeWebhookReceiver.verify(SECRET, ID, Long.toString(TIMESTAMP), BODY, "v2," + EXPECTED.substring(3))).isFalse();
        assertThat(FakeWebhookReceiver.verify(WebhookSecret.generate().text(), ID, Long.toString(TIMESTAMP), BODY, EXPECTED)).isFalse();
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        WebhookSecret current = WebhookSecret.generate();
        WebhookSecret previous = WebhookSecret.generate();
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        String header = WebhookSignature.header(List.of(current, previous), ID, TIMESTAMP, body);
        assertThat(header.split(" ")).hasSize(2).allMatch(entry -> entry.startsWith("v1,"));
        assertThat(FakeWebhookReceiver.verify(current.text(), ID, Long.toString(TIMESTAMP), BODY, header)).isTrue();
        assertThat(FakeWebhookReceiver.verify(previous.text(), ID, Long.toString(TIMESTAMP), BODY, header)).isTrue();
        assertThat(FakeWebhookReceiver.verify(WebhookSecret.generate().text(), ID, Long.toString(TIMESTAMP), BODY, header)).isFalse();
    }

    @Test
    void generatedSecretsHaveTheSpecsFormAndNeverShowInToString() {
        WebhookSecret secret = WebhookSecret.generate();
        assertThat(secret.text()).startsWith("whsec_");
        assertThat(WebhookSecret.parse(secret.text())).isEqualTo(secret);
        assertThat(secret.toString()).doesNotContain(secret.text().substring(6, 12));
        assertThat(WebhookSecret.generate()).isNotEqualTo(secret);
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64 bytes");
        assertThatThrownBy(() -> WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).hasMessageContaining("whsec_");
    }

    @Test
    void messageIdsNeverHoldTheDotTheSignedContentSeparatesWith() {
        for (int i = 0; i < 200; i++) {
            assertThat(WebhookPayload.newMessageId()).startsWith("msg_").doesNotContain(".").hasSize(26);
        }
        assertThatThrownBy(() -> WebhookSignature.sign(WebhookSecret.generate(), "msg.1", 1, new byte[0]))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
