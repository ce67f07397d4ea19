package io.postbridge.core.consent;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring invitation links for {@code consent.mode=invitation}: {@code i=<expiry seconds>.<mailbox or *>.<hmac>}
 * where the HMAC-SHA-256 key is a random secret kept sealed in the store. Nothing is stored per invitation; a link
 * names the one mailbox that may use it (or {@code *}: any mailbox of an allowed domain) and works until it expires.
 */
public final class Invitations {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private final byte[] key;
    private final Clock clock;

    public Invitations(byte[] key, Clock clock) {
        if (key.length < 32) {
            throw new IllegalArgumentException("invitation key must be at least 32 bytes");
        }
        this.key = key.clone();
        this.clock = Objects.requireNonNull(clock);
    }

    /** What a valid link allows. */
    public static final class Invitation {
        private final Optional<String> mailbox;
        private final Instant expiresAt;

        /** What {@link #verify} found in a link (or the store kept of it for an attempt in flight). */
        public Invitation(Optional<String> mailbox, Instant expiresAt) {
            this.mailbox = mailbox;
            this.expiresAt = expiresAt;
        }

        /** Empty: any mailbox of an allowed domain. */
        public Optional<String> mailbox() {
            return mailbox;
        }

        public Instant expiresAt() {
            return expiresAt;
        }
    }

    public String issue(Optional<String> mailbox, Duration lifetime) {
        long expiry = clock.instant().plus(lifetime).getEpochSecond();
        String who = mailbox.map(m -> B64URL.encodeToString(m.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8))).orElse("*");
        String payload = expiry + "." + who;
        return payload + "." + sign(payload);
    }

    public Optional<Invitation> verify(String token) {
        if (token == null || token.length() > 600) {
            return Optional.empty();
        }
        int last = token.lastIndexOf('.');
        int first = token.indexOf('.');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String payload = token.substring(0, last);
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                token.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        try {
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(token.substring(0, first)));
            if (clock.instant().isAfter(expiresAt)) {
                return Optional.empty();
            }
            String who = token.substring(first + 1, last);
            Optional<String> mailbox = "*".equals(who) ? Optional.empty()
                : Optional.of(new String(B64URL_DECODER.decode(who), StandardCharsets.UTF_8));
            return Optional.of(new Invitation(mailbox, expiresAt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64URL.encodeToString(mac.doFinal(("postbridge-invitation:" + payload).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
