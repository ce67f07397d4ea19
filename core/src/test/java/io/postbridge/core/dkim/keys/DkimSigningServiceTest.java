package io.postbridge.core.dkim.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.postbridge.core.dkim.DkimSigner;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.TestKeys;

class DkimSigningServiceTest {
    private static final DkimSigningKey OURS = new DkimSigningKey("ours.example", "s1", TestKeys.key("TEST-ONLY-ed25519.pem"));
    private final DkimKeySource keys = domain -> {
        switch (domain) {
            case "ours.example":
                return KeyLookup.found(List.of(OURS), List.of());
            case "broken.example":
                return KeyLookup.unavailable(List.of("key file gone"));
            default:
                return KeyLookup.notConfigured();
        }
    };
    private final MissingKeyPolicy policy = new MissingKeyPolicy(WhenKeyMissing.SEND_UNSIGNED,
        Map.of(DomainPattern.parse("broken.example"), WhenKeyMissing.HOLD,
            DomainPattern.parse("*.strict.example"), WhenKeyMissing.HOLD));

    @Test
    void signsAsTheAuthorsDomain() {
        SigningOutcome outcome = service(DkimSigningService.SigningDomains.FROM_THEN_ENVELOPE)
            .sign(message("Jane <jane@Ours.Example>"), Optional.of("bounce@elsewhere.example"));

        assertThat(outcome.kind()).isEqualTo(SigningOutcome.Kind.SIGNED);
        assertThat(outcome.domain()).contains("ours.example");
        assertThat(new String(outcome.message(), StandardCharsets.US_ASCII)).startsWith("DKIM-Signature: v=1; a=ed25519-sha256;");
    }

    @Test
    void forwardedMailWithAForeignAuthorIsSignedAsOurEnvelopeDomain() {
        SigningOutcome outcome = service(DkimSigningService.SigningDomains.FROM_THEN_ENVELOPE)
            .sign(message("someone@gmail.example"), Optional.of("SRS0=abcd=UH=gmail.example=someone@ours.example"));

        assertThat(outcome.kind()).isEqualTo(SigningOutcome.Kind.SIGNED);
        assertThat(outcome.domain()).contains("ours.example");
    }

    @Test
    void fromOnlyModeIgnoresTheEnvelope() {
        SigningOutcome outcome = service(DkimSigningService.SigningDomains.FROM)
            .sign(message("someone@gmail.example"), Optional.of("x@ours.example"));

        assertThat(outcome.kind()).isEqualTo(SigningOutcome.Kind.NOT_OURS);
        assertThat(outcome.message()).isEqualTo(message("someone@gmail.example"));
    }

    @Test
    void anUnusableKeyAppliesTheDomainsPolicy() {
        SigningOutcome outcome = service(DkimSigningService.SigningDomains.FROM_THEN_ENVELOPE)
            .sign(message("a@broken.example"), Optional.empty());

        assertThat(outcome.kind()).isEqualTo(SigningOutcome.Kind.KEY_MISSING);
        assertThat(outcome.action()).contains(WhenKeyMissing.HOLD);
        assertThat(outcome.detail()).contains("key file gone");
    }

    @Test
    void aDomainThePolicyNamesMustBeSignedEvenWithoutAnyKey() {
        SigningOutcome outcome = service(DkimSigningService.SigningDomains.FROM_THEN_ENVELOPE)
            .sign(message("a@shop.strict.example"), Optional.empty());

        assertThat(outcome.kind()).isEqualTo(SigningOutcome.Kind.KEY_MISSING);
        assertThat(outcome.action()).contains(WhenKeyMissing.HOLD);
    }

    @Test
    void aMessageWithoutFromOrWithTwoIsNotSigned() {
        DkimSigningService service = service(DkimSigningService.SigningDomains.FROM_THEN_ENVELOPE);
        byte[] twoFroms = ("From: a@ours.example\r\nFrom: b@ours.example\r\nSubject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] noFrom = ("Subject: x\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

        assertThat(service.sign(twoFroms, Optional.empty()).kind()).isEqualTo(SigningOutcome.Kind.UNSIGNABLE);
        SigningOutcome viaEnvelope = service.sign(noFrom, Optional.of("x@ours.example"));
        assertThat(viaEnvelope.kind()).isEqualTo(SigningOutcome.Kind.UNSIGNABLE);
        assertThat(viaEnvelope.detail()).contains("no From header field");
    }

    @Test
    void utf8AuthorDomainsAreMatchedInTheirAsciiForm() {
        DkimKeySource idn = domain -> domain.equals("xn--bcher-kva.example")
            ? KeyLookup.found(List.of(OURS), List.of()) : KeyLookup.notConfigured();
        DkimSigningService service = new DkimSigningService(DkimSigner.withDefaults(Clock.systemUTC()), idn,
            MissingKeyPolicy.sendUnsigned(), DkimSigningService.SigningDomains.FROM);

        SigningOutcome outcome = service.sign(("From: B\u00fccher <info@b\u00fccher.example>\r\n\r\nx\r\n").getBytes(StandardCharsets.UTF_8),
            Optional.empty());

        assertThat(outcome.kind()).isEqualTo(SigningOutcome.Kind.SIGNED);
    }

    private DkimSigningService service(DkimSigningService.SigningDomains domains) {
        return new DkimSigningService(DkimSigner.withDefaults(Clock.systemUTC()), keys, policy, domains);
    }

    private static byte[] message(String from) {
        return ("From: " + from + "\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
