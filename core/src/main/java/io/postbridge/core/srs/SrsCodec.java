package io.postbridge.core.srs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final long SECONDS_PER_DAY = 86_400;
    private static final int TIME_SLOTS = 1024;
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
        String hash = hash(settings.secrets().get(0), timestamp, host, user).substring(0, settings.hashLength());
        return "SRS0" + settings.separator() + hash + FIELD_SEPARATOR + timestamp + FIELD_SEPARATOR + host
            + FIELD_SEPARATOR + user + "@" + aliasDomain;
    }

    /**
     * The address an SRS address stands for: the original sender for SRS0, the first forwarder's SRS0 address
     * for SRS1. The domain of {@code address} is not checked here; callers only reverse their own domain.
     */
    public String reverse(String address) throws SrsException {
        int at = address.lastIndexOf('@');
        String user = at < 0 ? address : address.substring(0, at);
        if (isSrs1(user)) {
            String[] parts = user.substring(TAG_LENGTH + 1).split(String.valueOf(FIELD_SEPARATOR), 3);
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty() || parts[0].contains(".")) {
                // a "." in the hash field is a hashless SRS1 address, refused as Mail::SRS does by default
                throw new SrsException(SrsException.Reason.MALFORMED);
            }
            verifyHash(parts[0], parts[1], parts[2]);
            return "SRS0" + parts[2] + "@" + parts[1];
        }
        if (isSrs0(user)) {
            String[] parts = user.substring(TAG_LENGTH + 1).split(String.valueOf(FIELD_SEPARATOR), 4);
            if (parts.length != 4 || parts[2].isEmpty() || parts[3].isEmpty()) {
                throw new SrsException(SrsException.Reason.MALFORMED);
            }
            verifyHash(parts[0], parts[1], parts[2], parts[3]);
            checkTimestamp(parts[1]);
            return parts[3] + "@" + parts[2];
        }
        throw new SrsException(SrsException.Reason.NOT_SRS);
    }

    private String srs1(String firstHop, String srsUser, String aliasDomain) {
        String hash = hash(settings.secrets().get(0), firstHop, srsUser).substring(0, settings.hashLength());
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
        long days = Math.floorDiv(clock.instant().getEpochSecond(), SECONDS_PER_DAY);
        return new String(new char[] {BASE32[(int) ((days >> 5) & 31)], BASE32[(int) (days & 31)]});
    }

    private void checkTimestamp(String timestamp) throws SrsException {
        if (timestamp.length() != 2) {
            throw new SrsException(SrsException.Reason.BAD_TIMESTAMP);
        }
        String upper = timestamp.toUpperCase(Locale.ROOT);
        int high = base32Value(upper.charAt(0));
        int low = base32Value(upper.charAt(1));
        if (high < 0 || low < 0) {
            throw new SrsException(SrsException.Reason.BAD_TIMESTAMP);
        }
        int then = high * 32 + low;
        long now = Math.floorMod(Math.floorDiv(clock.instant().getEpochSecond(), SECONDS_PER_DAY), (long) TIME_SLOTS);
        while (now < then) {
            now += TIME_SLOTS;
        }
        if (now > then + settings.maxAgeDays()) {
            throw new SrsException(SrsException.Reason.EXPIRED);
        }
    }

    private static int base32Value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return 26 + c - '2';
        }
        return -1;
    }

    /**
     * Tries every secret without stopping early; a match is exact or, as in both references, case-insensitive.
     * Only the first {@code given.length()} characters are compared (postsrsd's hash-minimum).
     */
    private void verifyHash(String given, String... fields) throws SrsException {
        if (given.length() < settings.hashMinimum()) {
            throw new SrsException(SrsException.Reason.HASH_TOO_SHORT);
        }
        if (given.length() > SrsSettings.MAX_HASH_LENGTH) {
            throw new SrsException(SrsException.Reason.BAD_HASH);
        }
        byte[] givenBytes = given.getBytes(StandardCharsets.US_ASCII);
        byte[] givenLower = asciiLower(given).getBytes(StandardCharsets.US_ASCII);
        boolean valid = false;
        for (byte[] secret : settings.secrets()) {
            String expected = hash(secret, fields).substring(0, given.length());
            boolean exact = MessageDigest.isEqual(givenBytes, expected.getBytes(StandardCharsets.US_ASCII));
            boolean folded = MessageDigest.isEqual(givenLower, asciiLower(expected).getBytes(StandardCharsets.US_ASCII));
            valid |= exact | folded;
        }
        if (!valid) {
            throw new SrsException(SrsException.Reason.BAD_HASH);
        }
    }

    /** base64(HMAC-SHA1(secret, lc(field1) . lc(field2) ...)) without padding, 27 characters. */
    private static String hash(byte[] secret, String... fields) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            for (String field : fields) {
                mac.update(asciiLower(field).getBytes(StandardCharsets.UTF_8));
            }
            return Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is part of every Java runtime", e);
        }
    }

    /** Perl's lc and C's tolower on byte strings only fold ASCII; so must we, to hash the same bytes. */
    private static String asciiLower(String value) {
        StringBuilder lower = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return lower.toString();
    }
}
