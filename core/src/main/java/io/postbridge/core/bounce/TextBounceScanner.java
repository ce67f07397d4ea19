package io.postbridge.core.bounce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads failed recipients and the remote reply from the human-readable text of a bounce, for the MTAs that send no
 * RFC 3464 report or send one without the detail (Postfix, Exim, qmail, Sendmail, Microsoft, Google, Yahoo, ...).
 * Only the text before the returned original is read, so addresses quoted from the original are never taken for
 * failed recipients.
 */
final class TextBounceScanner {
    private static final String ADDR = "[^\\s<>\"(),;:\\[\\]@]+@[A-Za-z0-9][A-Za-z0-9.\\-]*\\.[A-Za-z0-9\\-]+";
    /** Postfix and Yahoo: {@code <addr>: host ... said: 550 ...} or {@code <addr>:} alone (qmail). */
    private static final Pattern ANGLE_LINE = Pattern.compile(
        "^\\s*(?:Recipient:?\\s*|RCPT\\s+To:\\s*)?<(" + ADDR + ")>(?:\\s*\\([^)]*\\))?\\s*:?\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    /** Exim, Microsoft, Google and many others: a line that starts with the address, perhaps quoted. */
    private static final Pattern BARE_LINE = Pattern.compile(
        "^\\s*(?:mailto:)?[\"']?(" + ADDR + ")[\"']?(?:[\\s:,;(\\[<].*)?$");
    /** A short phrase, then the address: {@code Unknown user: addr}, {@code Recipient address: addr}. */
    private static final Pattern PHRASE_THEN_ADDR = Pattern.compile(
        "^\\s*[A-Za-z][A-Za-z ,'\\-]{2,60}:\\s*[\"'<]?(" + ADDR + ")[\"'>]?\\s*[.,:]?\\s*(.*)$");
    /**
     * {@link #ADDR}, tried only where a run of local-part characters starts (a match inside a run would also match
     * from its start, which a search finds first): searching a header no longer re-reads every word from each of its
     * characters.
     */
    private static final Pattern ADDR_ONLY = Pattern.compile("(?<![^\\s<>\"(),;:\\[\\]@])" + ADDR);
    /** Last resort: any line with an address and a reply or status code. */
    private static final Pattern ADDR_ANYWHERE = Pattern.compile("<?(" + ADDR + ")>?");
    private static final Pattern CODE_ANYWHERE = Pattern.compile("(?<![\\d.])(?:[45][0-9]{2}[ \\-]|[45]\\.[0-9]{1,3}\\.[0-9]{1,3})");
    /** Sendmail: {@code 550 5.1.1 <addr>... User unknown}; Exim and others quote the address after a code. */
    private static final Pattern CODE_THEN_ADDR = Pattern.compile(
        "^\\s*(?:<<<\\s*)?([245][0-9]{2})[ \\-](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3}\\s+)?<?(" + ADDR + ")>?\\.{0,3}\\s*(.*)$");
    /** Google: {@code Your message wasn't delivered to addr because ...}. */
    private static final Pattern DELIVERED_TO = Pattern.compile(
        "(?:wasn't|was not|couldn't be|could not be|has not been|not) delivered to\\s+<?(" + ADDR + ")>?", Pattern.CASE_INSENSITIVE);
    private static final Pattern RCPT_TRANSCRIPT = Pattern.compile(">>>\\s*RCPT\\s+TO:\\s*<(" + ADDR + ")>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ORIGINAL_PHRASE = Pattern.compile(
        "^\\s*(?:original message follows|original message headers|below this line is a copy of the message"
            + "|the original message (?:headers? )?(?:is|are|was) (?:attached|included|following|below)"
            + "|content-type:\\s*message/rfc822)",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern HEADERISH = Pattern.compile(
        "^\\s*(?:from|to|cc|bcc|reply-to|return-path|sender|envelope-to|delivered-to|x-original-to|original-recipient"
            + "|final-recipient|message-id|subject|received|x-failed-recipients|x-[a-z-]+|date)\\s*:", Pattern.CASE_INSENSITIVE);
    private static final Set<String> DAEMONS = Set.of("mailer-daemon", "postmaster", "mail-daemon", "maildaemon",
        "mailer_daemon", "root", "mailerdaemon", "noreply", "no-reply");

    private TextBounceScanner() {
    }

    static final class Candidate {
        final String address;
        final StringBuilder diagnostic = new StringBuilder();

        Candidate(String address) {
            this.address = address;
        }
    }

    /** The last text {@link #beforeOriginal} read and its answer: the parser asks about one text several times. */
    private static final ThreadLocal<String[]> LAST = ThreadLocal.withInitial(() -> new String[2]);

    /** The part of {@code text} before the returned original. */
    static String beforeOriginal(String text) {
        String[] last = LAST.get();
        if (last[0] != text) {
            last[1] = scanBeforeOriginal(text);
            last[0] = text;
        }
        return last[1];
    }

    private static String scanBeforeOriginal(String text) {
        int from = 0;
        while (from < text.length()) {
            int nl = text.indexOf('\n', from);
            int end = nl < 0 ? text.length() : nl;
            if (isOriginalMarker(text, from, end)) {
                return text.substring(0, from);
            }
            from = end + 1;
        }
        return text;
    }

    private static boolean isOriginalMarker(String text, int from, int end) {
        int i = from;
        while (i < end && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        if (i >= end) {
            return false;
        }
        char c = Character.toLowerCase(text.charAt(i));
        // cheap first-character test: the regexes below run on few lines
        if (c == '-' || c == '=' || c == '*') {
            if (i + 1 >= end || text.charAt(i + 1) != text.charAt(i)) {
                return false;
            }
            String line = text.substring(from, end).toLowerCase(Locale.ROOT);
            for (String marker : MARKER_WORDS) {
                if (line.indexOf(marker) >= 0) {
                    return true;
                }
            }
            return false;
        }
        return (c == 'o' || c == 'b' || c == 't' || c == 'c') && ORIGINAL_PHRASE.matcher(text.substring(from, end)).find();
    }

    /** What follows a line of dashes, equals signs or stars that starts the returned original . */
    private static final List<String> MARKER_WORDS = List.of("original message", "copy of the message", "returned message",
        "unsent message", "undelivered message", "message follows", "header of the original", "headers of the original",
        "original message headers", "below this line", "message text follows", "rfc822", "returned content",
        "returned mail follows");

    /** Header lines of an original quoted inline after its marker (Exim, qmail and others put it in the text). */
    static Map<String, String> inlineOriginal(String text) {
        Map<String, String> found = new LinkedHashMap<>();
        String after = text.substring(Math.min(text.length(), beforeOriginal(text).length()));
        String[] lines = after.split("\n", 400);
        for (int i = 0; i < Math.min(lines.length, 399); i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if ((name.equals("message-id") || name.equals("subject") || name.equals("to") || name.equals("from")
                || name.equals("date")) && !found.containsKey(name)) {
                found.put(name, line.substring(colon + 1).trim());
            }
        }
        return found;
    }

    static List<Candidate> scan(String text, Set<String> excluded) {
        String[] lines = beforeOriginal(text).split("\n");
        Map<String, Candidate> byAddress = new LinkedHashMap<>();
        Candidate current = null;
        int linesSinceCandidate = 0;
        for (String raw : lines) {
            String line = raw.strip();
            String address = null;
            String rest = "";
            Matcher m;
            if (line.indexOf('@') < 0) {
                // no address on this line: it can only continue the current recipient's explanation (below)
            } else if (HEADERISH.matcher(line).find() && !line.toLowerCase(Locale.ROOT).startsWith("x-failed")) {
                current = line.isEmpty() ? null : current;
                continue;
            } else if (line.contains(">>>") && (m = RCPT_TRANSCRIPT.matcher(line)).find()) {
                address = m.group(1);
            } else if ((m = ANGLE_LINE.matcher(raw)).matches()) {
                address = m.group(1);
                rest = m.group(2);
            } else if ((m = CODE_THEN_ADDR.matcher(raw)).matches()) {
                address = m.group(2);
                rest = line;
            } else if ((m = DELIVERED_TO.matcher(line)).find()) {
                address = m.group(1);
                rest = line.substring(m.end());
            } else if ((m = BARE_LINE.matcher(raw)).matches()) {
                address = m.group(1);
                rest = line.substring(Math.min(line.length(), line.indexOf(address) + address.length()));
            } else if ((m = PHRASE_THEN_ADDR.matcher(raw)).matches()) {
                address = m.group(1);
                rest = line;
            }
            if (address != null) {
                String normal = normalise(address);
                if (!excluded.contains(normal) && !isDaemon(normal)) {
                    current = byAddress.computeIfAbsent(normal, Candidate::new);
                    append(current, rest);
                    linesSinceCandidate = 0;
                    continue;
                }
            }
            if (current != null) {
                linesSinceCandidate++;
                if (linesSinceCandidate <= 12 && !line.isEmpty()) {
                    append(current, line);
                } else if (linesSinceCandidate > 40) {
                    current = null;
                }
            }
        }
        if (byAddress.isEmpty()) {
            for (String raw : lines) {
                if (raw.indexOf('@') < 0 || HEADERISH.matcher(raw).find() || !CODE_ANYWHERE.matcher(raw).find()) {
                    continue;
                }
                Matcher a = ADDR_ANYWHERE.matcher(raw);
                while (a.find()) {
                    String normal = normalise(a.group(1));
                    if (!excluded.contains(normal) && !isDaemon(normal)) {
                        append(byAddress.computeIfAbsent(normal, Candidate::new), raw);
                    }
                }
            }
        }
        return new ArrayList<>(byAddress.values());
    }

    private static void append(Candidate candidate, String text) {
        String t = text.strip();
        if (t.isEmpty() || candidate.diagnostic.length() > 600) {
            return;
        }
        if (candidate.diagnostic.length() > 0) {
            candidate.diagnostic.append(' ');
        }
        candidate.diagnostic.append(t);
    }

    static String normalise(String address) {
        String a = address.trim();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1);
        }
        if (a.endsWith(".")) {
            a = a.substring(0, a.length() - 1);
        }
        return a.toLowerCase(Locale.ROOT);
    }

    static boolean isDaemon(String address) {
        int at = address.indexOf('@');
        return at > 0 && DAEMONS.contains(address.substring(0, at).toLowerCase(Locale.ROOT));
    }

    /** Addresses in a header value such as X-Failed-Recipients or Original-Rcpt-To. */
    static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        Matcher m = ADDR_ONLY.matcher(value);
        while (m.find()) {
            String a = normalise(m.group());
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }
}
