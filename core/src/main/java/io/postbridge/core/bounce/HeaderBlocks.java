package io.postbridge.core.bounce;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads "Name: value" groups separated by blank lines (the body of message/delivery-status, message/feedback-report
 * and text/rfc822-headers), unfolding continuation lines, within a character budget. Repeated names are joined with
 * a newline (Original-Rcpt-To may repeat).
 */
final class HeaderBlocks {
    private HeaderBlocks() {
    }

    static final class Result {
        final List<Map<String, String>> groups = new ArrayList<>();
        boolean truncated;
    }

    /**
     * @param startsNewGroup a field name that begins a new group even without a blank line (final-recipient:
     *                       some MTAs run recipients together), or null
     * @param maxGroups      stop after this many groups (the recipient limit)
     */
    static Result read(BufferedReader reader, long maxChars, String startsNewGroup, int maxGroups) throws IOException {
        Result result = new Result();
        Map<String, String> group = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = new StringBuilder();
        long read = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            read += line.length() + 1;
            if (read > maxChars) {
                result.truncated = true;
                break;
            }
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                if (value.length() < 4096) {
                    value.append(' ').append(line.trim());
                }
                continue;
            }
            if (name != null) {
                put(group, name, value);
                name = null;
            }
            if (line.isBlank()) {
                if (!group.isEmpty()) {
                    if (!add(result, group, maxGroups)) {
                        return result;
                    }
                    group = new LinkedHashMap<>();
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String candidate = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (candidate.indexOf(' ') >= 0) {
                continue;
            }
            if (candidate.equals(startsNewGroup) && group.containsKey(startsNewGroup)) {
                if (!add(result, group, maxGroups)) {
                    return result;
                }
                group = new LinkedHashMap<>();
            }
            name = candidate;
            value.setLength(0);
            value.append(line.substring(colon + 1).trim());
        }
        if (name != null) {
            put(group, name, value);
        }
        if (!group.isEmpty()) {
            add(result, group, maxGroups);
        }
        return result;
    }

    private static boolean add(Result result, Map<String, String> group, int maxGroups) {
        if (result.groups.size() >= maxGroups) {
            result.truncated = true;
            return false;
        }
        result.groups.add(group);
        return true;
    }

    private static void put(Map<String, String> group, String name, StringBuilder value) {
        group.merge(name, value.toString(), (a, b) -> a + "\n" + b);
    }
}
