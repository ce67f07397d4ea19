package io.postbridge.core.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.postbridge.core.signing.SignedAddressException;

/**
 * The rows of {@code tools/srs-interop.sh} and of the anchors document (a.3), which Mail::SRS and postsrsd
 * both produce for secret {@code s3cr3t} at 2025-01-15 12:00:00 UTC.
 */
class SrsCodecTest {
    static final Instant VECTOR_TIME = Instant.parse("2025-01-15T12:00:00Z");
    static final Clock VECTOR_CLOCK = Clock.fixed(VECTOR_TIME, ZoneOffset.UTC);
    static final SrsSettings VECTOR_SETTINGS = SrsSettings.builder().secret("s3cr3t").build();

    private final SrsCodec codec = new SrsCodec(VECTOR_SETTINGS, VECTOR_CLOCK);

    @Nested
    class ReferenceVectors {
        @Test
        void plainSender() {
            assertThat(codec.forward("alice@example.com", "fwd.example.net"))
                .isEqualTo("SRS0=FcXJ=UH=example.com=alice@fwd.example.net");
        }

        @Test
        void mixedCaseKeptButHashedLowerCase() {
            assertThat(codec.forward("Alice.Smith@Example.COM", "fwd.example.net"))
                .isEqualTo("SRS0=VeGY=UH=Example.COM=Alice.Smith@fwd.example.net");
        }

        @Test
        void plusTagInTheLocalPart() {
            assertThat(codec.forward("bob+tag@sub.example.org", "fwd.example.net"))
                .isEqualTo("SRS0=Dsa3=UH=sub.example.org=bob+tag@fwd.example.net");
        }

        @Test
        void separatorInTheLocalPart() {
            assertThat(codec.forward("a=b@example.com", "fwd.example.net"))
                .isEqualTo("SRS0=Q460=UH=example.com=a=b@fwd.example.net");
        }

        @Test
        void srs0OfAnotherForwarderBecomesSrs1() {
            assertThat(codec.forward("SRS0=AbCd=UH=example.com=alice@other.example", "fwd.example.net"))
                .isEqualTo("SRS1=vBlk=other.example==AbCd=UH=example.com=alice@fwd.example.net");
        }

        @Test
        void ourSrs0ForwardedByASecondDomainBecomesSrs1WithAPlusInTheHash() {
            assertThat(codec.forward("SRS0=FcXJ=UH=example.com=alice@fwd.example.net", "fwd2.example.org"))
                .isEqualTo("SRS1=+hJ2=fwd.example.net==FcXJ=UH=example.com=alice@fwd2.example.org");
        }

        @Test
        void reverseSrs0() throws Exception {
            assertThat(codec.reverse("SRS0=FcXJ=UH=example.com=alice@fwd.example.net")).isEqualTo("alice@example.com");
        }

        @Test
        void reverseSrs0WhoseCaseWasSmashed() throws Exception {
            assertThat(codec.reverse("SRS0=fcxj=uh=example.com=alice@fwd.example.net")).isEqualTo("alice@example.com");
            assertThat(codec.reverse("srs0=FCXJ=UH=example.com=alice@fwd.example.net")).isEqualTo("alice@example.com");
        }

        @Test
        void reverseSrs1GivesTheFirstHopsSrs0() throws Exception {
            assertThat(codec.reverse("SRS1=+hJ2=fwd.example.net==FcXJ=UH=example.com=alice@fwd2.example.org"))
                .isEqualTo("SRS0=FcXJ=UH=example.com=alice@fwd.example.net");
        }

        @Test
        void plusSeparatorAndHashLengthSix() {
            SrsCodec six = new SrsCodec(SrsSettings.builder().secret("s3cr3t").separator('+').hashLength(6).build(),
                VECTOR_CLOCK);
            assertThat(six.forward("alice@example.com", "fwd.example.net"))
                .isEqualTo("SRS0+FcXJLN=UH=example.com=alice@fwd.example.net");
        }

        @Test
        void hashMinimumAcceptsAFourCharacterPrefixButNotThree() throws Exception {
            SrsCodec six = new SrsCodec(SrsSettings.builder().secret("s3cr3t").hashLength(6).hashMinimum(4).build(),
                VECTOR_CLOCK);
            assertThat(six.reverse("SRS0=FcXJLN=UH=example.com=alice@fwd.example.net")).isEqualTo("alice@example.com");
            assertThat(six.reverse("SRS0=FcXJ=UH=example.com=alice@fwd.example.net")).isEqualTo("alice@example.com");
            assertThatThrownBy(() -> six.reverse("SRS0=FcX=UH=example.com=alice@fwd.example.net"))
                .isInstanceOfSatisfying(SignedAddressException.class,
                    e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.HASH_TOO_SHORT));
        }

        @Test
        void addressThirtySixDaysOldIsExpired() {
            String old = new SrsCodec(VECTOR_SETTINGS, Clock.fixed(VECTOR_TIME.minus(Duration.ofDays(36)), ZoneOffset.UTC))
                .forward("alice@example.com", "fwd.example.net");
            assertReason(old, SignedAddressException.Reason.EXPIRED);
        }

        @Test
        void wrongHashIsRefused() {
            assertReason("SRS0=AAAA=UH=example.com=alice@fwd.example.net", SignedAddressException.Reason.BAD_HASH);
        }
    }

    @Nested
    class Forging {
        @Test
        void changingTheOriginalSenderBreaksTheHash() {
            assertReason("SRS0=FcXJ=UH=example.com=mallory@fwd.example.net", SignedAddressException.Reason.BAD_HASH);
            assertReason("SRS0=FcXJ=UH=evil.example=alice@fwd.example.net", SignedAddressException.Reason.BAD_HASH);
        }

        @Test
        void changingTheTimestampBreaksTheHash() {
            assertReason("SRS0=FcXJ=UI=example.com=alice@fwd.example.net", SignedAddressException.Reason.BAD_HASH);
        }

        @Test
        void srs1WithAForgedHashIsRefused() {
            assertReason("SRS1=AAAA=fwd.example.net==FcXJ=UH=example.com=alice@fwd2.example.org",
                SignedAddressException.Reason.BAD_HASH);
        }

        @Test
        void hashlessSrs1IsRefused() {
            assertReason("SRS1=fwd.example.net=evil.example==x=UH=a=b@fwd2.example.org", SignedAddressException.Reason.MALFORMED);
        }

        @Test
        void missingFieldsAreMalformed() {
            assertReason("SRS0=FcXJ=UH=alice@fwd.example.net", SignedAddressException.Reason.MALFORMED);
            assertReason("SRS0=FcXJ=UH==alice@fwd.example.net", SignedAddressException.Reason.MALFORMED);
        }

        @Test
        void correctlySignedTimestampOutsideTheAlphabetIsRefused() throws Exception {
            // "U1" is not base32; a forger holding the secret is not the point, the parser must still refuse it
            String hash = referenceHash("s3cr3t", "U1", "example.com", "alice");
            assertReason("SRS0=" + hash + "=U1=example.com=alice@fwd.example.net", SignedAddressException.Reason.BAD_TIMESTAMP);
            assertReason("SRS0=" + referenceHash("s3cr3t", "UHH", "example.com", "alice")
                + "=UHH=example.com=alice@fwd.example.net", SignedAddressException.Reason.BAD_TIMESTAMP);
        }

        @Test
        void ordinaryAddressIsNotSrs() {
            assertReason("alice@fwd.example.net", SignedAddressException.Reason.NOT_SIGNED);
            assertReason("SRS0alice@fwd.example.net", SignedAddressException.Reason.NOT_SIGNED);
            assertReason("SRS2=FcXJ=UH=example.com=alice@fwd.example.net", SignedAddressException.Reason.NOT_SIGNED);
        }
    }

    @Nested
    class Age {
        @Test
        void validForExactlyTheMaximumAgeThenExpired() throws Exception {
            String address = codec.forward("alice@example.com", "fwd.example.net");
            assertThat(at(VECTOR_TIME.plus(Duration.ofDays(21))).reverse(address)).isEqualTo("alice@example.com");
            assertThatThrownBy(() -> at(VECTOR_TIME.plus(Duration.ofDays(22))).reverse(address))
                .isInstanceOfSatisfying(SignedAddressException.class,
                    e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.EXPIRED));
        }

        @Test
        void addressFromTheFutureIsExpired() {
            String tomorrow = at(VECTOR_TIME.plus(Duration.ofDays(1))).forward("alice@example.com", "fwd.example.net");
            assertReason(tomorrow, SignedAddressException.Reason.EXPIRED);
        }

        @Test
        void timestampWrapsAroundTheTenBitCycle() throws Exception {
            // day 1024 * 20 = 20480 is "AA"; the day before is "77"
            Instant lastDayOfCycle = Instant.ofEpochSecond(20479L * 86_400 + 3600);
            String address = at(lastDayOfCycle).forward("alice@example.com", "fwd.example.net");
            assertThat(address).contains("=77=");
            assertThat(at(lastDayOfCycle.plus(Duration.ofDays(3))).reverse(address)).isEqualTo("alice@example.com");
        }

        @Test
        void configurableMaximumAge() {
            SrsCodec strict = new SrsCodec(SrsSettings.builder().secret("s3cr3t").maxAgeDays(2).build(),
                Clock.fixed(VECTOR_TIME.plus(Duration.ofDays(3)), ZoneOffset.UTC));
            assertThatThrownBy(() -> strict.reverse("SRS0=FcXJ=UH=example.com=alice@fwd.example.net"))
                .isInstanceOfSatisfying(SignedAddressException.class,
                    e -> assertThat(e.reason()).isEqualTo(SignedAddressException.Reason.EXPIRED));
        }
    }

    @Nested
    class Rotation {
        private final SrsSettings rotated = SrsSettings.builder().secret("n3w-s3cr3t").secret("s3cr3t").build();
        private final SrsCodec rotatedCodec = new SrsCodec(rotated, VECTOR_CLOCK);

        @Test
        void firstSecretSigns() {
            String signed = rotatedCodec.forward("alice@example.com", "fwd.example.net");
            assertThat(signed).isNotEqualTo("SRS0=FcXJ=UH=example.com=alice@fwd.example.net");
            assertReason(signed, SignedAddressException.Reason.BAD_HASH);
        }

        @Test
        void olderSecretsStillVerify() throws Exception {
            assertThat(rotatedCodec.reverse("SRS0=FcXJ=UH=example.com=alice@fwd.example.net")).isEqualTo("alice@example.com");
            assertThat(rotatedCodec.reverse(rotatedCodec.forward("alice@example.com", "fwd.example.net")))
                .isEqualTo("alice@example.com");
        }

        @Test
        void retiredSecretNoLongerVerifies() {
            SrsCodec retired = new SrsCodec(SrsSettings.builder().secret("n3w-s3cr3t").build(), VECTOR_CLOCK);
            assertThatThrownBy(() -> retired.reverse("SRS0=FcXJ=UH=example.com=alice@fwd.example.net"))
                .isInstanceOf(SignedAddressException.class);
        }
    }

    @Test
    void senderAlreadyInTheSrsDomainIsLeftAlone() {
        assertThat(codec.forward("bob@Fwd.Example.Net", "fwd.example.net")).isEqualTo("bob@Fwd.Example.Net");
    }

    @Test
    void recognisesSrsLocalParts() {
        assertThat(SrsCodec.isSrs("SRS0=x")).isTrue();
        assertThat(SrsCodec.isSrs("srs1+x")).isTrue();
        assertThat(SrsCodec.isSrs("SRS0-x")).isTrue();
        assertThat(SrsCodec.isSrs("SRS0x")).isFalse();
        assertThat(SrsCodec.isSrs("SRS0")).isFalse();
        assertThat(SrsCodec.isSrs("alice")).isFalse();
    }

    /** The reference construction, written out independently: base64(HMAC-SHA1(secret, lc(fields...)))[0..4]. */
    static String referenceHash(String secret, String... fields) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
        for (String field : fields) {
            mac.update(field.toLowerCase(java.util.Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return java.util.Base64.getEncoder().encodeToString(mac.doFinal()).substring(0, 4);
    }

    private SrsCodec at(Instant instant) {
        return new SrsCodec(VECTOR_SETTINGS, Clock.fixed(instant, ZoneOffset.UTC));
    }

    private void assertReason(String address, SignedAddressException.Reason reason) {
        assertThatThrownBy(() -> codec.reverse(address))
            .isInstanceOfSatisfying(SignedAddressException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
