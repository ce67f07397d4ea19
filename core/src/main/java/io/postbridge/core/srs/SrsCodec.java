package io.postbridge.core.srs;

import java.time.Clock;
import java.util.Base64;
import java.util.OptionalLong;

import io.postbridge.core.signing.DayStamp;
import io.postbridge.core.signing.SecretRing;
import io.postbridge.core.signing.SignedAddressException;

/**
 * The Sender Rewriting Scheme as Mail::SRS 0.31 ("Guarded") and libsrs2/postsrsd write it, byte for byte:
 *
 * <pre>
 * SRS0=HHHH=TT=orig-domain=orig-local@srs-domain
 * SRS1=HHHH=first-hop-domain==HHHH=TT=orig-domain=orig-local@srs-domain
 * </pre>
 *
 * {@code HHHH} is the start of base64(HMAC-SHA1(secret, lower-cased fields concatenated)); {@code TT} is the day
 * number modulo 1024 in two base32 characters. Reversing checks the hash against every secret (exact match or
 * case-insensitive, because some MTAs smash case) in constant time, then the age.
 */
public final class SrsCodec {
    private static final String HMAC = "HmacSHA1";
    private static final char FIELD_SEPARATOR = '=';
    private static final int TAG_LENGTH = 4;

    private final SrsSettings settings;
    private final Clock clock;

    public SrsCodec(SrsSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public SrsSettings settings() {
        return settings;
    }

    /** True when the local part starts with SRS0 or SRS1 (any case) and a separator, as both references test. */
    public static boolean isSrs(String localPart) {
        return isSrs0(localPart) || isSrs1(localPart);
    }

    /**
     * Rewrites an envelope sender into the given domain. A sender already in that domain is returned unchanged
     * (Mail::SRS does the same), an SRS0 address of another forwarder becomes SRS1, an SRS1 address keeps its
     * first hop and is re-signed.
     */
    public String forward(String sender, String aliasDomain) {
        int at = sender.lastIndexOf('@');
        if (at <= 0 || at == sender.length() - 1) {
            throw new IllegalArgumentException("not an address: '" + sender + "'");
        }
        String user = sender.substring(0, at);
        String host = sender.substring(at + 1);
        if (host.equalsIgnoreCase(aliasDomain)) {
            return sender;
        }
        if (isSrs1(user)) {
            String[] parts = user.substring(TAG_LENGTH + 1).split(String.valueOf(FIELD_SEPARATOR), 3);
            if (parts.length == 3 && !parts[1].isEmpty()) {
                return srs1(parts[1], parts[2], aliasDomain);
            }
        } else if (isSrs0(user)) {
            // keep the other forwarder's separator: SRS0=xxx becomes "=xxx", hence the doubled "=="
            return srs1(host, user.substring(TAG_LENGTH), aliasDomain);
        }
        String timestamp = timestamp();
        String hash = hash(settings.secretRing().signing(), timestamp, host, user).substring(0, settings.hashLength());
        return "SRS0" + settings.separator() + hash + FIELD_SEPARATOR + timestamp + FIELD_SEPARATOR + host
            + FIELD_SEPARATOR + user + "@" + aliasDomain;
    }

    /**
     * The address an SRS address stands for: the original sender for SRS0, the first forwarder's SRS0 address
     * for SRS1. The domain of {@code address} is not checked here; callers only reverse their own domain.
     */
    public String reverse(String address) throws SignedAddressException {
        int at = address.lastIndexOf('@');
        String user = at < 0 ? address : address.substring(0, at);
        if (isSrs1(user)) {
            String[] parts = user.substring(TAG_LENGTH + 1).split(String.valueOf(FIELD_SEPARATOR), 3);
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty() || parts[0].contains(".")) {
                // a "." in the hash field is a hashless SRS1 address, refused as Mail::SRS does by default
                throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.MALFORMED);
            }
            verifyHash(parts[0], parts[1], parts[2]);
            return "SRS0" + parts[2] + "@" + parts[1];
        }
        if (isSrs0(user)) {
            String[] parts = user.substring(TAG_LENGTH + 1).split(String.valueOf(FIELD_SEPARATOR), 4);
            if (parts.length != 4 || parts[2].isEmpty() || parts[3].isEmpty()) {
                throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.MALFORMED);
            }
            verifyHash(parts[0], parts[1], parts[2], parts[3]);
            checkTimestamp(parts[1]);
            return parts[3] + "@" + parts[2];
        }
        throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.NOT_SIGNED);
    }

    private String srs1(String firstHop, String srsUser, String aliasDomain) {
        String hash = hash(settings.secretRing().signing(), firstHop, srsUser).substring(0, settings.hashLength());
        return "SRS1" + settings.separator() + hash + FIELD_SEPARATOR + firstHop + FIELD_SEPARATOR + srsUser
            + "@" + aliasDomain;
    }

    private static boolean isSrs0(String localPart) {
        return hasTag(localPart, "SRS0");
    }

    private static boolean isSrs1(String localPart) {
        return hasTag(localPart, "SRS1");
    }

    private static boolean hasTag(String localPart, String tag) {
        if (localPart.length() <= TAG_LENGTH || !localPart.regionMatches(true, 0, tag, 0, TAG_LENGTH)) {
            return false;
        }
        char separator = localPart.charAt(TAG_LENGTH);
        return separator == '=' || separator == '+' || separator == '-';
    }

    String timestamp() {
        return DayStamp.of(clock.instant());
    }

    private void checkTimestamp(String timestamp) throws SignedAddressException {
        OptionalLong age = DayStamp.ageDays(timestamp, clock.instant());
        if (age.isEmpty()) {
            throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.BAD_TIMESTAMP);
        }
        if (age.getAsLong() > settings.maxAgeDays()) {
            throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.EXPIRED);
        }
    }

    /**
     * Tries every secret without stopping early; a match is exact or, as in both references, case-insensitive.
     * Only the first {@code given.length()} characters are compared (postsrsd's hash-minimum).
     */
    private void verifyHash(String given, String... fields) throws SignedAddressException {
        if (given.length() < settings.hashMinimum()) {
            throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.HASH_TOO_SHORT);
        }
        if (given.length() > SrsSettings.MAX_HASH_LENGTH) {
            throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.BAD_HASH);
        }
        if (!settings.secretRing().anyMatches(given, secret -> hash(secret, fields).substring(0, given.length()), true)) {
            throw new SignedAddressException(SignedAddressException.Scheme.SRS, SignedAddressException.Reason.BAD_HASH);
        }
    }

    /** base64(HMAC-SHA1(secret, lc(field1) . lc(field2) ...)) without padding, 27 characters. */
    private static String hash(byte[] secret, String... fields) {
        return Base64.getEncoder().withoutPadding().encodeToString(SecretRing.hmac(HMAC, secret, fields));
    }
}
