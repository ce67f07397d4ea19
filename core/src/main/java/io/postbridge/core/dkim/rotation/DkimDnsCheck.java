package io.postbridge.core.dkim.rotation;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.postbridge.core.dkim.DkimDnsRecord;

/** Checks that the DNS holds the key record we expect (same key type, same public key). */
public final class DkimDnsCheck {
    private DkimDnsCheck() {
    }

    /** Empty when the record matches; otherwise what is wrong, in words an operator can act on. */
    public static Optional<String> problem(DkimDnsLookup dns, DkimDnsRecord expected) {
        List<String> records;
        try {
            records = dns.txtRecords(expected.name());
        } catch (IOException | RuntimeException e) {
            return Optional.of("DNS lookup of " + expected.name() + " failed: " + e.getMessage());
        }
        if (records.isEmpty()) {
            return Optional.of("no TXT record at " + expected.name() + " yet; publish: " + expected.value());
        }
        String found = null;
        for (String record : records) {
            Map<String, String> tags = tags(joinStrings(record));
            String p = tags.getOrDefault("p", "").replaceAll("\\s", "");
            String k = tags.getOrDefault("k", "rsa").toLowerCase(Locale.ROOT);
            if (p.equals(expected.publicKeyBase64()) && k.equals(expected.algorithm().keyType())) {
                return Optional.empty();
            }
            found = joinStrings(record);
        }
        return Optional.of("the TXT record at " + expected.name() + " does not hold this key (found: "
            + abbreviate(found) + ")");
    }

    /** Concatenates the character-strings of a TXT record as printed by a resolver ("a" "b" becomes ab). */
    static String joinStrings(String record) {
        String trimmed = record.trim();
        if (!trimmed.startsWith("\"")) {
            return trimmed;
        }
        StringBuilder out = new StringBuilder(trimmed.length());
        boolean inQuotes = false;
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == '\\' && inQuotes && i + 1 < trimmed.length()) {
                out.append(trimmed.charAt(++i));
            } else if (inQuotes) {
                out.append(c);
            }
        }
        return out.toString();
    }

    static Map<String, String> tags(String record) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                tags.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        return tags;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
