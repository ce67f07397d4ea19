package io.postbridge.core.dkim.keys;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.HeaderField;
import io.postbridge.core.dkim.RawMessage;

/** The domain of the message's author (the From field), which DMARC aligns the DKIM {@code d=} with. */
public final class AuthorDomain {
    private static final Pattern LAST_AT_DOMAIN = Pattern.compile("@([^\\s<>@,;\"()\\[\\]]+)\\s*>?\\s*$");

    private AuthorDomain() {
    }

    /** Normalized domain of the first From address, if the message has a parsable one. */
    public static Optional<String> of(RawMessage message) {
        return message.first("from").flatMap(AuthorDomain::ofField);
    }

    static Optional<String> ofField(HeaderField from) {
        String value = decode(from.raw(), from.name().length());
        String address = null;
        try {
            InternetAddress[] addresses = InternetAddress.parseHeader(value, false);
            if (addresses.length > 0) {
                address = addresses[0].getAddress();
            }
        } catch (AddressException e) {
            Matcher m = LAST_AT_DOMAIN.matcher(value.trim());
            address = m.find() ? "x@" + m.group(1) : null;
        }
        return domainOf(address);
    }

    /** Normalized domain of an address such as {@code user@Example.COM}, if it has a valid one. */
    public static Optional<String> domainOf(String address) {
        if (address == null) {
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        if (at < 0 || at == address.length() - 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(DkimSigningKey.normalizeDomain(address.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The field value (after the colon), unfolded; UTF-8 when valid (RFC 6532), ISO-8859-1 otherwise. */
    private static String decode(byte[] raw, int nameLength) {
        int colon = nameLength;
        while (colon < raw.length && raw[colon] != ':') {
            colon++;
        }
        ByteBuffer value = ByteBuffer.wrap(raw, Math.min(raw.length, colon + 1), Math.max(0, raw.length - colon - 1));
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(value).toString();
        } catch (CharacterCodingException e) {
            text = new String(raw, Math.min(raw.length, colon + 1), Math.max(0, raw.length - colon - 1),
                StandardCharsets.ISO_8859_1);
        }
        return text.replace("\r\n", "");
    }
}
