package io.postbridge.core.verp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Predicate;

import io.postbridge.core.signing.DayStamp;
import io.postbridge.core.signing.SecretRing;
import io.postbridge.core.signing.SignedAddressException;

/**
 * Signed, expiring VERP return paths:
 *
 * <pre>
 * local+V1=HHHHHHHH=TT=account=MMMMMMMM=senderdomain=rcptdomain=rcptlocal@bounce-domain
 * </pre>
 *
 * {@code local} is the sender's local part; {@code HHHHHHHH} the first 8 base32 characters of HMAC-SHA256 over the
 * lower-cased fields after it (40 bits; SRS signs with 24); {@code TT} the SRS day stamp; {@code MMMMMMMM} a
 * reference to the Message-ID ({@link #messageRef}); {@code senderdomain} is empty when it is the bounce domain.
 * The recipient's local part comes last so that it may contain {@code =} or {@code +}. Case-insensitive throughout,
 * because some MTAs lower-case the address they bounce to.
 */
public final class VerpCodec {
    private static final String HMAC = "HmacSHA256";
    private static final String TAG = "+V1=";
    private static final char SEPARATOR = '=';
    private static final int HASH_LENGTH = 8;
    /** hash, stamp, account, message, sender domain, recipient domain, recipient local part */
    private static final int FIELDS = 7;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final VerpSettings settings;
    private final Clock clock;

    public VerpCodec(VerpSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    public VerpSettings settings() {
        return settings;
    }

    /** True when the local part has the VERP shape (not whether its signature holds). */
    public static boolean isVerp(String localPart) {
        int tag = indexOfTag(localPart);
        return tag > 0 && localPart.substring(tag + TAG.length()).split(String.valueOf(SEPARATOR), FIELDS).length == FIELDS;
    }

    /**
     * The bounce domain of a sender: the one configured for its domain, else its own domain when it is ours, else
     * the default; empty when none applies (the mail then keeps its return path).
     */
    public java.util.Optional<String> bounceDomain(String senderDomain, Predicate<String> isLocalDomain) {
        String domain = senderDomain.toLowerCase(Locale.ROOT);
        String configured = settings.domains().get(domain);
        if (configured != null) {
            return java.util.Optional.of(configured);
        }
        if (isLocalDomain.test(domain)) {
            return java.util.Optional.of(domain);
        }
        return settings.defaultDomain();
    }

    /** The return path of {@code sender}'s mail with {@code messageId} to {@code recipient}, sent by {@code account}. */
    public String encode(String sender, String account, String messageId, String recipient, String bounceDomain) {
        int at = sender.lastIndexOf('@');
        int rcptAt = recipient.lastIndexOf('@');
        if (at <= 0 || rcptAt <= 0) {
            throw new IllegalArgumentException("not an address: '" + (at <= 0 ? sender : recipient) + "'");
        }
        if (account.indexOf(SEPARATOR) >= 0 || account.indexOf('@') >= 0) {
            throw new IllegalArgumentException("an account name with '=' or '@' cannot be put in a VERP address: " + account);
        }
        String senderDomain = sender.substring(at + 1);
        String fields = DayStamp.of(clock.instant()) + SEPARATOR + account + SEPARATOR + messageRef(messageId) + SEPARATOR
            + (senderDomain.equalsIgnoreCase(bounceDomain) ? "" : senderDomain) + SEPARATOR
            + recipient.substring(rcptAt + 1) + SEPARATOR + recipient.substring(0, rcptAt);
        return sender.substring(0, at) + TAG + hash(settings.secrets().signing(), fields) + SEPARATOR + fields + "@" + bounceDomain;
    }

    /** Checks the signature (every secret) and the age of a VERP address and says what it names. */
    public VerpAddress decode(String address) throws SignedAddressException {
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            throw new SignedAddressException(SignedAddressException.Scheme.VERP, SignedAddressException.Reason.MALFORMED);
        }
        String local = address.substring(0, at);
        String bounceDomain = address.substring(at + 1);
        int tag = indexOfTag(local);
        if (tag <= 0) {
            throw new SignedAddressException(SignedAddressException.Scheme.VERP, SignedAddressException.Reason.MALFORMED);
        }
        String signed = local.substring(tag + TAG.length());
        int firstSeparator = signed.indexOf(SEPARATOR);
        String[] parts = signed.split(String.valueOf(SEPARATOR), FIELDS);
        if (parts.length != FIELDS || parts[2].isEmpty() || parts[5].isEmpty() || parts[6].isEmpty()) {
            throw new SignedAddressException(SignedAddressException.Scheme.VERP, SignedAddressException.Reason.MALFORMED);
        }
        String given = parts[0];
        String fields = signed.substring(firstSeparator + 1);
        if (given.length() != HASH_LENGTH
            || !settings.secrets().anyMatches(given, secret -> hash(secret, fields), true)) {
            throw new SignedAddressException(SignedAddressException.Scheme.VERP, SignedAddressException.Reason.BAD_HASH);
        }
        OptionalLong age = DayStamp.ageDays(parts[1], clock.instant());
        if (age.isEmpty()) {
            throw new SignedAddressException(SignedAddressException.Scheme.VERP, SignedAddressException.Reason.BAD_TIMESTAMP);
        }
        if (age.getAsLong() > settings.maxAgeDays()) {
            throw new SignedAddressException(SignedAddressException.Scheme.VERP, SignedAddressException.Reason.EXPIRED);
        }
        String senderDomain = parts[4].isEmpty() ? bounceDomain : parts[4];
        return new VerpAddress(local.substring(0, tag) + "@" + senderDomain, parts[2], parts[3], parts[6] + "@" + parts[5]);
    }

    /** 8 base32 characters of SHA-256 of the Message-ID (angle brackets and case ignored): short, and enough to tell. */
    public static String messageRef(String messageId) {
        String id = messageId == null ? "" : messageId.trim();
        if (id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return base32(digest, HASH_LENGTH);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static int indexOfTag(String localPart) {
        return localPart.toUpperCase(Locale.ROOT).indexOf(TAG);
    }

    private static String hash(byte[] secret, String fields) {
        return base32(SecretRing.hmac(HMAC, secret, fields), HASH_LENGTH);
    }

    private static String base32(byte[] bytes, int characters) {
        StringBuilder out = new StringBuilder(characters);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; out.length() < characters; i++) {
            buffer = (buffer << 8) | (bytes[i] & 0xff);
            bits += 8;
            while (bits >= 5 && out.length() < characters) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }
}
