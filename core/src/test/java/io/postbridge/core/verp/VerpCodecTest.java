package io.postbridge.core.verp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.postbridge.core.signing.SecretRing;
import io.postbridge.core.signing.SignedAddressException;

class VerpCodecTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final VerpSettings SETTINGS = new VerpSettings(SecretRing.ofStrings(List.of("new-secret", "old-secret")), 21,
        Optional.of("bounces.example.com"), Map.of("Crm.Example", "mail.example.com"));

    private final VerpCodec codec = new VerpCodec(SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aReturnPathNamesAccountMessageAndRecipient() throws Exception {
        String verp = codec.encode("news@example.com", "crm", "<m1@example.com>", "Bob+x=y@Remote.Test", "example.com");

        assertThat(verp).startsWith("news+V1=").endsWith("@example.com");
        assertThat(VerpCodec.isVerp(verp.substring(0, verp.lastIndexOf('@')))).isTrue();
        VerpAddress decoded = codec.decode(verp);
        assertThat(decoded.account()).isEqualTo("crm");
        assertThat(decoded.recipient()).isEqualTo("Bob+x=y@Remote.Test");
        assertThat(decoded.originalSender()).isEqualTo("news@example.com");
        assertThat(decoded.messageRef()).isEqualTo(VerpCodec.messageRef("m1@EXAMPLE.com"));
    }

    @Test
    void aSenderOfAnotherDomainIsKeptInTheAddress() throws Exception {
        String verp = codec.encode("news@crm.example", "crm", "<m1@x>", "bob@remote.test", "mail.example.com");

        assertThat(codec.decode(verp).originalSender()).isEqualTo("news@crm.example");
    }

    @Test
    void lowerCasedByTheRemoteMtaStillValid() throws Exception {
        String verp = codec.encode("News@example.com", "crm", "<m1@x>", "Bob@remote.test", "example.com");

        assertThat(codec.decode(verp.toLowerCase()).account()).isEqualTo("crm");
    }

    @Test
    void anAddressSignedWithTheOldSecretIsAccepted() throws Exception {
        VerpCodec old = new VerpCodec(new VerpSettings(SecretRing.ofStrings(List.of("old-secret")), 21, Optional.empty(), Map.of()),
            Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(codec.decode(old.encode("a@example.com", "crm", "<m>", "b@r.test", "example.com")).recipient()).isEqualTo("b@r.test");
    }

    @Test
    void aChangedFieldBreaksTheSignature() {
        String verp = codec.encode("news@example.com", "crm", "<m1@x>", "bob@remote.test", "example.com");

        assertThatThrownBy(() -> codec.decode(verp.replace("=crm=", "=other=")))
            .isInstanceOfSatisfying(SignedAddressException.class, e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.BAD_HASH));
        assertThatThrownBy(() -> codec.decode(verp.replace("bob@", "carol@")))
            .isInstanceOfSatisfying(SignedAddressException.class, e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.BAD_HASH));
    }

    @Test
    void anAddressOlderThanTheMaximumAgeIsExpired() {
        VerpCodec then = new VerpCodec(SETTINGS, Clock.fixed(NOW.minus(Duration.ofDays(22)), ZoneOffset.UTC));
        String verp = then.encode("news@example.com", "crm", "<m1@x>", "bob@remote.test", "example.com");

        assertThatThrownBy(() -> codec.decode(verp))
            .isInstanceOfSatisfying(SignedAddressException.class, e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.EXPIRED));
    }

    @Test
    void aPlusAddressIsNotVerp() {
        assertThat(VerpCodec.isVerp("alice+newsletter")).isFalse();
        assertThatThrownBy(() -> codec.decode("alice+V1=x@example.com"))
            .isInstanceOfSatisfying(SignedAddressException.class, e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.MALFORMED));
    }

    @Test
    void theBounceDomainIsConfiguredOrOursOrTheDefault() {
        assertThat(codec.bounceDomain("crm.example", d -> false)).contains("mail.example.com");
        assertThat(codec.bounceDomain("example.com", "example.com"::equals)).contains("example.com");
        assertThat(codec.bounceDomain("gmail.example", "example.com"::equals)).contains("bounces.example.com");
        VerpCodec noDefault = new VerpCodec(new VerpSettings(SecretRing.ofStrings(List.of("s")), 21, Optional.empty(), Map.of()),
            Clock.systemUTC());
        assertThat(noDefault.bounceDomain("gmail.example", d -> false)).isEmpty();
    }
}
