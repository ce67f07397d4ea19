package io.postbridge.core.bounce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides the reason of one failed recipient from its RFC 3463 status and the remote server's words. The code alone
 * is not trusted: real servers say 5.1.1 for rate limits and 5.2.2 for "user unknown", so a phrase of a more
 * specific reason in the text wins over the code (the order follows Sisimai 4's Reason.pm; the phrase tables are
 * Sisimai's, see reason-phrases.txt for their licence).
 */
public final class ReasonClassifier {
    private static final Map<String, BounceReason> STATUS = new HashMap<>();

    static {
        STATUS.put("4.1.6", BounceReason.HASMOVED);
        STATUS.put("4.1.7", BounceReason.REJECTED);
        STATUS.put("4.1.8", BounceReason.REJECTED);
        STATUS.put("4.1.9", BounceReason.SYSTEMERROR);
        STATUS.put("4.2.1", BounceReason.SUSPEND);
        STATUS.put("4.2.2", BounceReason.MAILBOXFULL);
        STATUS.put("4.2.3", BounceReason.EXCEEDLIMIT);
        STATUS.put("4.2.4", BounceReason.FILTERED);
        STATUS.put("4.3.1", BounceReason.SYSTEMFULL);
        STATUS.put("4.3.2", BounceReason.NOTACCEPT);
        STATUS.put("4.3.3", BounceReason.SYSTEMERROR);
        STATUS.put("4.3.5", BounceReason.SYSTEMERROR);
        STATUS.put("4.4.1", BounceReason.EXPIRED);
        STATUS.put("4.4.2", BounceReason.NETWORKERROR);
        STATUS.put("4.4.4", BounceReason.NETWORKERROR);
        STATUS.put("4.4.5", BounceReason.SYSTEMFULL);
        STATUS.put("4.4.6", BounceReason.NETWORKERROR);
        STATUS.put("4.4.7", BounceReason.EXPIRED);
        STATUS.put("4.5.3", BounceReason.SYSTEMERROR);
        STATUS.put("4.5.5", BounceReason.SYSTEMERROR);
        STATUS.put("4.6.0", BounceReason.CONTENTERROR);
        STATUS.put("4.6.2", BounceReason.CONTENTERROR);
        STATUS.put("4.6.5", BounceReason.CONTENTERROR);
        STATUS.put("4.7.1", BounceReason.BLOCKED);
        STATUS.put("4.7.2", BounceReason.BLOCKED);
        STATUS.put("4.7.5", BounceReason.SECURITYERROR);
        STATUS.put("4.7.6", BounceReason.SECURITYERROR);
        STATUS.put("4.7.7", BounceReason.SECURITYERROR);
        STATUS.put("4.7.12", BounceReason.SECURITYERROR);
        STATUS.put("4.7.15", BounceReason.SECURITYERROR);
        STATUS.put("4.7.16", BounceReason.MESGTOOBIG);
        STATUS.put("4.7.24", BounceReason.SECURITYERROR);
        STATUS.put("4.7.25", BounceReason.BLOCKED);
        STATUS.put("5.1.0", BounceReason.USERUNKNOWN);
        STATUS.put("5.1.1", BounceReason.USERUNKNOWN);
        STATUS.put("5.1.2", BounceReason.HOSTUNKNOWN);
        STATUS.put("5.1.3", BounceReason.USERUNKNOWN);
        STATUS.put("5.1.4", BounceReason.FILTERED);
        STATUS.put("5.1.6", BounceReason.HASMOVED);
        STATUS.put("5.1.7", BounceReason.REJECTED);
        STATUS.put("5.1.8", BounceReason.REJECTED);
        STATUS.put("5.1.9", BounceReason.SYSTEMERROR);
        STATUS.put("5.1.10", BounceReason.NOTACCEPT);
        STATUS.put("5.2.0", BounceReason.FILTERED);
        STATUS.put("5.2.1", BounceReason.FILTERED);
        STATUS.put("5.2.2", BounceReason.MAILBOXFULL);
        STATUS.put("5.2.3", BounceReason.EXCEEDLIMIT);
        STATUS.put("5.2.4", BounceReason.FILTERED);
        STATUS.put("5.3.0", BounceReason.SYSTEMERROR);
        STATUS.put("5.3.1", BounceReason.SYSTEMFULL);
        STATUS.put("5.3.2", BounceReason.NOTACCEPT);
        STATUS.put("5.3.3", BounceReason.SYSTEMERROR);
        STATUS.put("5.3.4", BounceReason.MESGTOOBIG);
        STATUS.put("5.3.5", BounceReason.SYSTEMERROR);
        STATUS.put("5.4.0", BounceReason.NETWORKERROR);
        STATUS.put("5.4.3", BounceReason.SYSTEMERROR);
        STATUS.put("5.4.4", BounceReason.HOSTUNKNOWN);
        STATUS.put("5.5.3", BounceReason.TOOMANYCONN);
        STATUS.put("5.5.4", BounceReason.SYSTEMERROR);
        STATUS.put("5.5.5", BounceReason.SYSTEMERROR);
        STATUS.put("5.5.6", BounceReason.SECURITYERROR);
        STATUS.put("5.6.0", BounceReason.CONTENTERROR);
        STATUS.put("5.6.1", BounceReason.CONTENTERROR);
        STATUS.put("5.6.2", BounceReason.CONTENTERROR);
        STATUS.put("5.6.3", BounceReason.CONTENTERROR);
        STATUS.put("5.6.5", BounceReason.CONTENTERROR);
        STATUS.put("5.6.6", BounceReason.CONTENTERROR);
        STATUS.put("5.6.7", BounceReason.CONTENTERROR);
        STATUS.put("5.6.8", BounceReason.CONTENTERROR);
        STATUS.put("5.6.9", BounceReason.CONTENTERROR);
        STATUS.put("5.7.0", BounceReason.SECURITYERROR);
        STATUS.put("5.7.1", BounceReason.SECURITYERROR);
        STATUS.put("5.7.2", BounceReason.SECURITYERROR);
        STATUS.put("5.7.3", BounceReason.SECURITYERROR);
        STATUS.put("5.7.4", BounceReason.SECURITYERROR);
        STATUS.put("5.7.5", BounceReason.SECURITYERROR);
        STATUS.put("5.7.6", BounceReason.SECURITYERROR);
        STATUS.put("5.7.7", BounceReason.SECURITYERROR);
        STATUS.put("5.7.8", BounceReason.SECURITYERROR);
        STATUS.put("5.7.9", BounceReason.SECURITYERROR);
        STATUS.put("5.7.10", BounceReason.SECURITYERROR);
        STATUS.put("5.7.11", BounceReason.SECURITYERROR);
        STATUS.put("5.7.13", BounceReason.SUSPEND);
        STATUS.put("5.7.14", BounceReason.SECURITYERROR);
        STATUS.put("5.7.15", BounceReason.SECURITYERROR);
        STATUS.put("5.7.16", BounceReason.MESGTOOBIG);
        STATUS.put("5.7.17", BounceReason.HASMOVED);
        STATUS.put("5.7.18", BounceReason.HASMOVED);
        STATUS.put("5.7.19", BounceReason.SECURITYERROR);
        STATUS.put("5.7.20", BounceReason.SECURITYERROR);
        STATUS.put("5.7.21", BounceReason.SECURITYERROR);
        STATUS.put("5.7.22", BounceReason.SECURITYERROR);
        STATUS.put("5.7.23", BounceReason.SECURITYERROR);
        STATUS.put("5.7.24", BounceReason.SECURITYERROR);
        STATUS.put("5.7.25", BounceReason.BLOCKED);
        STATUS.put("5.7.26", BounceReason.SECURITYERROR);
        STATUS.put("5.7.27", BounceReason.NOTACCEPT);
    }

    /** Reasons a status code only guesses at: a phrase in the text is looked for before they are believed. */
    private static final Set<BounceReason> RETRY = EnumSet.of(BounceReason.UNDEFINED, BounceReason.ONHOLD,
        BounceReason.SYSTEMERROR, BounceReason.SECURITYERROR, BounceReason.NETWORKERROR, BounceReason.HOSTUNKNOWN,
        BounceReason.USERUNKNOWN);

    private static final List<BounceReason> FIRST_ORDER = List.of(BounceReason.MAILBOXFULL, BounceReason.MESGTOOBIG,
        BounceReason.EXCEEDLIMIT, BounceReason.SUSPEND, BounceReason.HASMOVED, BounceReason.NORELAYING,
        BounceReason.USERUNKNOWN, BounceReason.FILTERED, BounceReason.REJECTED, BounceReason.HOSTUNKNOWN,
        BounceReason.SPAMDETECTED, BounceReason.TOOMANYCONN, BounceReason.BLOCKED);
    private static final List<BounceReason> RETRY_ORDER = List.of(BounceReason.MAILBOXFULL, BounceReason.SPAMDETECTED,
        BounceReason.POLICYVIOLATION, BounceReason.VIRUSDETECTED, BounceReason.NORELAYING, BounceReason.SECURITYERROR,
        BounceReason.SYSTEMERROR, BounceReason.NETWORKERROR, BounceReason.SUSPEND, BounceReason.EXPIRED,
        BounceReason.CONTENTERROR, BounceReason.SYSTEMFULL, BounceReason.NOTACCEPT, BounceReason.MAILERERROR);
    private static final List<BounceReason> TEXT_ORDER = List.of(BounceReason.MAILBOXFULL, BounceReason.MESGTOOBIG,
        BounceReason.EXCEEDLIMIT, BounceReason.SUSPEND, BounceReason.USERUNKNOWN, BounceReason.FILTERED,
        BounceReason.REJECTED, BounceReason.HOSTUNKNOWN, BounceReason.SPAMDETECTED, BounceReason.TOOMANYCONN,
        BounceReason.BLOCKED, BounceReason.SECURITYERROR, BounceReason.SYSTEMERROR, BounceReason.NETWORKERROR,
        BounceReason.EXPIRED, BounceReason.CONTENTERROR, BounceReason.HASMOVED, BounceReason.SYSTEMFULL,
        BounceReason.NOTACCEPT, BounceReason.MAILERERROR, BounceReason.NORELAYING, BounceReason.POLICYVIOLATION,
        BounceReason.VIRUSDETECTED);

    private static final PhraseIndex PHRASES = load();
    /**
     * The phrases Sisimai's MTA and provider decoders (Lhost/*.pm, Rhost/*.pm) map to a reason themselves, before
     * its general rules run (mta-phrases.txt, same licence). A reason they give is kept unless it is one the general
     * rules look at again (Sisimai's "retry" reasons), as in Sisimai.
     */
    private static final PhraseIndex MTA_PHRASES = loadMta();
    /** The remote reply is a line or two; more is quoted text, and the phrase search is linear in it. */
    private static final int MAX_TEXT = 2000;
    /** Each reason's phrases are looked for at most once per text (the rules below ask several times). */
    private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);
    private static final ThreadLocal<Memo> MTA_MEMO = ThreadLocal.withInitial(Memo::new);

    private static final class Memo {
        String text;
        long reasons;
    }

    private ReasonClassifier() {
    }

    /** Loads the phrase and provider tables now (they load once per class loader, when first used otherwise). */
    static void loadTables() {
        RemoteHostRules.provider("");
    }

    /** The outcome for one recipient. */
    public static final class Verdict {
        public final BounceReason reason;
        public final double confidence;

        Verdict(BounceReason reason, double confidence) {
            this.reason = reason;
            this.confidence = confidence;
        }
    }

    /**
     * @param status     the Status field or the code found in the text
     * @param diagnostic the remote reply or the MTA's explanation, as sent
     * @param action     the DSN Action (failed, delayed, ...), empty when the report had none
     * @param diagnosticType the Diagnostic-Code type (smtp, x-unix, x-postfix, ...), empty when absent
     */
    public static Verdict classify(Optional<EnhancedStatus> status, String diagnostic, String action, String diagnosticType) {
        return classify(status, diagnostic, action, diagnosticType, "", "");
    }

    /**
     * As {@link #classify(Optional, String, String, String)}, with the SMTP command the report's human-readable
     * text names ({@link #smtpCommand(String)} of it) for when the remote reply itself does not say which command
     * it answered (Postfix puts "(in reply to RCPT TO command)" in the text, not in the Diagnostic-Code), and the
     * lower-cased human-readable text of a report about this one recipient ("" when it names several), whose MTA
     * phrases count when the remote reply has none (Sisimai's MTA decoders read that text too).
     */
    public static Verdict classify(Optional<EnhancedStatus> status, String diagnostic, String action, String diagnosticType,
                                   String commandHint, String lowerHumanText) {
        return classify(status, diagnostic, action, diagnosticType, commandHint, lowerHumanText, List.of());
    }

    /**
     * As above, with the hosts that may have refused: the Remote-MTA, the host the reply names, the recipient's
     * domain (in that order, as Sisimai looks at its rhost, then the destination). When one is a provider whose
     * replies Sisimai reads its own way ({@link RemoteHostRules}), that reading comes before the general rules.
     */
    public static Verdict classify(Optional<EnhancedStatus> status, String diagnostic, String action, String diagnosticType,
                                   String commandHint, String lowerHumanText, List<String> remoteHosts) {
        return classify(status, diagnostic, action, diagnosticType, commandHint, lowerHumanText, remoteHosts, null);
    }

    /**
     * As above, with the reason the reporting MTA states in its own fields ({@code reporterReason}, null when none),
     * which counts as an MTA phrase would.
     */
    public static Verdict classify(Optional<EnhancedStatus> status, String diagnostic, String action, String diagnosticType,
                                   String commandHint, String lowerHumanText, List<String> remoteHosts,
                                   BounceReason reporterReason) {
        String text = diagnostic == null ? "" : diagnostic.toLowerCase(Locale.ROOT);
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT);
        }
        text = joinContinuations(text);
        if (status.isPresent() && status.get().klass() == 2 || "delivered".equals(action) || "relayed".equals(action)
            || "expanded".equals(action)) {
            return new Verdict(BounceReason.DELIVERED, 0.9);
        }
        Optional<BounceReason> fromStatus = status.filter(s -> !s.isGeneric()).map(s -> STATUS.get(s.toString()));
        boolean smtp = diagnosticType.isEmpty() || "smtp".equalsIgnoreCase(diagnosticType);
        BounceReason mta = mtaReason(text);
        boolean mtaInReply = mta != null;
        if (mta == null && reporterReason != null) {
            mta = reporterReason;
            mtaInReply = true;
        }
        if (mta == null && !lowerHumanText.isEmpty()) {
            mta = mtaReason(lowerHumanText);
        }
        if (mta != null && !RETRY.contains(mta)) {
            return new Verdict(mta, fromStatus.orElse(null) == mta ? 0.95 : 0.8);
        }
        String command = null;
        for (String host : remoteHosts) {
            String provider = RemoteHostRules.provider(host);
            if (provider != null) {
                command = smtpCommand(text);
                command = command.isEmpty() ? commandHint : command;
                String original = diagnostic == null ? "" : diagnostic.length() > MAX_TEXT ? diagnostic.substring(0, MAX_TEXT) : diagnostic;
                BounceReason byHost = RemoteHostRules.reason(provider, status, original, text, command);
                if (byHost != null) {
                    return new Verdict(byHost, fromStatus.orElse(null) == byHost ? 0.95 : 0.8);
                }
                break;
            }
        }
        if (command == null) {
            command = smtpCommand(text);
            command = command.isEmpty() ? commandHint : command;
        }
        if (command.equals("EHLO") && (mta == null || RETRY.contains(mta))) {
            // our greeting was refused: the sending host is (Sisimai's qmail and Exim decoders, and its last rule)
            return new Verdict(BounceReason.BLOCKED, 0.7);
        }
        if (smtp) {
            BounceReason statusReason = fromStatus.orElse(null);
            for (BounceReason reason : FIRST_ORDER) {
                // an MTA's unknown-user words count only at RCPT or when the command is not named (as holds())
                boolean mtaSays = reason == mta && (mta != BounceReason.USERUNKNOWN || command.isEmpty() || command.equals("RCPT"));
                if (mtaSays || holds(reason, statusReason, status.isPresent(), text, command)) {
                    boolean agree = reason == statusReason && matches(reason, text);
                    return new Verdict(reason, agree ? 0.95 : statusReason == reason ? 0.85 : 0.7);
                }
            }
        }
        BounceReason reason = fromStatus.orElse(null);
        if (mta != null && mtaInReply && (reason == null || RETRY.contains(reason))) {
            return new Verdict(mta, 0.7);
        }
        if (reason == null || RETRY.contains(reason) || reason == BounceReason.EXPIRED || !smtp) {
            for (BounceReason candidate : RETRY_ORDER) {
                if (matches(candidate, text)) {
                    return new Verdict(candidate, 0.7);
                }
            }
        }
        if (reason != null) {
            return new Verdict(reason, matches(reason, text) ? 0.9 : 0.75);
        }
        String prefix = status.map(EnhancedStatus::subjectPrefix).orElse("");
        if (prefix.endsWith(".6")) {
            return new Verdict(BounceReason.CONTENTERROR, 0.5);
        }
        if (prefix.endsWith(".7")) {
            return new Verdict(BounceReason.SECURITYERROR, 0.5);
        }
        if ("x-unix".equalsIgnoreCase(diagnosticType) || "x-postfix".equalsIgnoreCase(diagnosticType)) {
            return new Verdict(BounceReason.MAILERERROR, 0.5);
        }
        int reply = EnhancedStatus.findReplyCode(text).orElse(0);
        if (reply % 100 <= 7 && (reply / 100 == 5 || reply / 100 == 4) && reply % 100 / 10 == 0) {
            return new Verdict(BounceReason.SYNTAXERROR, 0.5);
        }
        if (action.startsWith("delayed") || action.startsWith("expired")) {
            return new Verdict(BounceReason.EXPIRED, 0.6);
        }
        if (mta != null) {
            // only the human-readable text names a reason (an MTA phrase outside the remote reply)
            return new Verdict(mta, 0.5);
        }
        if (matches(BounceReason.VACATION, text)) {
            return new Verdict(BounceReason.VACATION, 0.5);
        }
        return new Verdict(text.isBlank() ? BounceReason.UNDEFINED : BounceReason.ONHOLD, 0.2);
    }

    /**
     * Whether the status and the text point at {@code reason}. The command matters: "user unknown" words only
     * count at RCPT, "filtered" words only after the recipient was accepted (Sisimai's true() of each reason).
     */
    private static boolean holds(BounceReason reason, BounceReason statusReason, boolean hasStatus, String text, String command) {
        switch (reason) {
            case MAILBOXFULL:
            case SUSPEND:
                return hasStatus && (statusReason == reason || matches(reason, text));
            case USERUNKNOWN:
                if (statusReason == BounceReason.SUSPEND) {
                    return false;
                }
                if (statusReason == BounceReason.USERUNKNOWN) {
                    for (BounceReason other : List.of(BounceReason.NORELAYING, BounceReason.BLOCKED, BounceReason.MAILBOXFULL,
                        BounceReason.HASMOVED, BounceReason.REJECTED, BounceReason.NOTACCEPT, BounceReason.TOOMANYCONN)) {
                        if (matches(other, text)) {
                            return false;
                        }
                    }
                    return true;
                }
                // as Sisimai 4 (Reason/UserUnknown.pm): the words alone count only when the reply answered RCPT; said
                // after DATA, or without saying when, they are read as "filtered" below
                return command.equals("RCPT") && matches(reason, text);
            case FILTERED:
                if (statusReason == BounceReason.SUSPEND) {
                    return false;
                }
                if (statusReason == BounceReason.FILTERED) {
                    return matches(BounceReason.USERUNKNOWN, text) || matches(reason, text);
                }
                if (Set.of("CONN", "EHLO", "AUTH", "MAIL", "RCPT").contains(command)) {
                    return false;
                }
                return matches(reason, text) || statusReason != BounceReason.USERUNKNOWN && matches(BounceReason.USERUNKNOWN, text);
            case REJECTED:
                if (statusReason == BounceReason.REJECTED) {
                    return true;
                }
                if (command.equals("MAIL")) {
                    return matches(reason, text);
                }
                if (command.equals("DATA")) {
                    return statusReason != BounceReason.USERUNKNOWN && matches(reason, text);
                }
                return (statusReason == null || statusReason == BounceReason.ONHOLD || statusReason == BounceReason.SECURITYERROR
                    || statusReason == BounceReason.SYSTEMERROR) && matches(reason, text);
            case HOSTUNKNOWN:
                if (statusReason == BounceReason.HOSTUNKNOWN) {
                    return !matches(BounceReason.NETWORKERROR, text);
                }
                return matches(reason, text);
            default:
                return statusReason == reason || matches(reason, text);
        }
    }

    private static final List<String> COMMAND_TRIGGERS = List.of("in reply to", "after", "while sending", "during",
        "command", ">>>", "smtp:");
    private static final List<String> COMMAND_WORDS = List.of("rcpt", "mail", "data", "ehlo", "helo", "end of data",
        "connect", "banner", "greeting", "starttls", "auth", "message", "body");

    private static String commandWordAt(String text, int at) {
        for (String w : COMMAND_WORDS) {
            if (text.startsWith(w, at)) {
                return w;
            }
        }
        return null;
    }


    /**
     * A multi-line reply ("550-5.7.1 ... 550-5.7.1 ... 550 5.7.1 ...") as one sentence: the reply code and status
     * that begin each continuation line are dropped, so a phrase wrapped over two lines is found (as Sisimai's
     * Data.pm does when the code occurs more than twice). The first code stays.
     */
    static String joinContinuations(String text) {
        int first = continuation(text, 0);
        if (first < 0 || continuation(text, first + 4) < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int copyFrom = 0;
        boolean kept = false;
        while (i + 4 <= text.length()) {
            char c = text.charAt(i);
            boolean code = (c == '4' || c == '5') && (i == 0 || text.charAt(i - 1) == ' ')
                && Character.isDigit(text.charAt(i + 1)) && Character.isDigit(text.charAt(i + 2))
                && (text.charAt(i + 3) == '-' || text.charAt(i + 3) == ' ');
            if (!code) {
                i++;
                continue;
            }
            int end = i + 4;
            int statusEnd = statusEnd(text, end);
            if (statusEnd > 0) {
                end = statusEnd;
                while (end < text.length() && text.charAt(end) == ' ') {
                    end++;
                }
            }
            if (!kept) {
                kept = true;
            } else {
                out.append(text, copyFrom, i);
                copyFrom = end;
            }
            i = end;
        }
        out.append(text, copyFrom, text.length());
        return out.toString();
    }

    /** Where the next "NNN-" continuation code is, from {@code from}; -1 if none. */
    private static int continuation(String text, int from) {
        for (int at = text.indexOf('-', from); at >= 0; at = text.indexOf('-', at + 1)) {
            if (at >= 3 && (text.charAt(at - 3) == '4' || text.charAt(at - 3) == '5') && Character.isDigit(text.charAt(at - 2))
                && Character.isDigit(text.charAt(at - 1)) && (at == 3 || !Character.isLetterOrDigit(text.charAt(at - 4)))) {
                return at;
            }
        }
        return -1;
    }

    /** The end of an enhanced status code (d.d.d) starting at {@code at}, or -1. */
    private static int statusEnd(String text, int at) {
        int i = at;
        for (int part = 0; part < 3; part++) {
            int digits = 0;
            while (i < text.length() && Character.isDigit(text.charAt(i)) && digits < 3) {
                i++;
                digits++;
            }
            if (digits == 0) {
                return -1;
            }
            if (part < 2) {
                if (i >= text.length() || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
        }
        return i;
    }

    /** The SMTP command a reply answered, when the text says ("in reply to RCPT TO command", ">>> DATA"). */
    static String smtpCommand(String lowerText) {
        // the leftmost trigger followed by a command word, as a regex find() would, read without one: it runs over
        // whole texts
        String word = null;
        int best = Integer.MAX_VALUE;
        for (String trigger : COMMAND_TRIGGERS) {
            for (int at = lowerText.indexOf(trigger); at >= 0 && at < best; at = lowerText.indexOf(trigger, at + 1)) {
                int i = at + trigger.length();
                if (trigger.equals("command") && i < lowerText.length() && lowerText.charAt(i) == ':') {
                    i++;
                }
                while (i < lowerText.length() && Character.isWhitespace(lowerText.charAt(i))) {
                    i++;
                }
                if (lowerText.startsWith("the", i) && i + 3 < lowerText.length() && Character.isWhitespace(lowerText.charAt(i + 3))) {
                    i += 4;
                    while (i < lowerText.length() && Character.isWhitespace(lowerText.charAt(i))) {
                        i++;
                    }
                }
                String found = commandWordAt(lowerText, i);
                if (found != null) {
                    best = at;
                    word = found;
                    break;
                }
            }
        }
        if (word == null && (lowerText.contains("refused to talk to me") || lowerText.contains("but my name was rejected"))) {
            // Postfix and qmail name the greeting stage this way (Sisimai's decoders read it as HELO)
            return "EHLO";
        }
        if (word == null && lowerText.contains("but sender was rejected")) {
            return "MAIL";
        }
        if (word == null) {
            // Yahoo writes the command in brackets after the reply: "... User Unknown [RCPT_TO]"
            return lowerText.contains("rcpt to") || lowerText.contains("rcpt_to") ? "RCPT" : "";
        }
        switch (word) {
            case "rcpt":
                return "RCPT";
            case "mail":
                return "MAIL";
            case "ehlo":
            case "helo":
                return "EHLO";
            case "starttls":
            case "auth":
                return "AUTH";
            case "connect":
            case "banner":
            case "greeting":
                return "CONN";
            default:
                return "DATA";
        }
    }

    private static final Map<String, BounceReason> POWERMTA_CATEGORIES = Map.of("bad-domain", BounceReason.HOSTUNKNOWN,
        "bad-mailbox", BounceReason.USERUNKNOWN, "message-expired", BounceReason.EXPIRED,
        "no-answer-from-host", BounceReason.NETWORKERROR, "policy-related", BounceReason.POLICYVIOLATION,
        "quota-issues", BounceReason.MAILBOXFULL, "routing-errors", BounceReason.SYSTEMERROR,
        "spam-related", BounceReason.SPAMDETECTED);

    /** PowerMTA's X-PowerMTA-BounceCategory as a reason (Sisimai 4 Lhost/PowerMTA.pm, BSD-2); null if unknown. */
    static BounceReason powerMtaCategory(String category) {
        return POWERMTA_CATEGORIES.get(category);
    }

    /** Exchange's own status codes (Sisimai 4 Lhost/Office365.pm $statuslist, BSD-2, (c) azumakuniyuki). */
    private static final List<Map.Entry<Pattern, BounceReason>> EXCHANGE_STATUS = List.of(
        Map.entry(Pattern.compile("4[.]4[.]7"), BounceReason.EXPIRED),
        Map.entry(Pattern.compile("4[.]4[.]312"), BounceReason.NETWORKERROR),
        Map.entry(Pattern.compile("4[.]4[.]316"), BounceReason.EXPIRED),
        Map.entry(Pattern.compile("4[.]7[.]26"), BounceReason.SECURITYERROR),
        Map.entry(Pattern.compile("4[.]7[.][56]\\d\\d"), BounceReason.BLOCKED),
        Map.entry(Pattern.compile("4[.]7[.]8[5-9]\\d"), BounceReason.BLOCKED),
        Map.entry(Pattern.compile("5[.]0[.]350"), BounceReason.CONTENTERROR),
        Map.entry(Pattern.compile("5[.]1[.]10"), BounceReason.USERUNKNOWN),
        Map.entry(Pattern.compile("5[.]4[.]1"), BounceReason.NORELAYING),
        Map.entry(Pattern.compile("5[.]4[.]6"), BounceReason.NETWORKERROR),
        Map.entry(Pattern.compile("5[.]4[.]312"), BounceReason.NETWORKERROR),
        Map.entry(Pattern.compile("5[.]4[.]316"), BounceReason.EXPIRED),
        Map.entry(Pattern.compile("5[.]6[.]11"), BounceReason.CONTENTERROR),
        Map.entry(Pattern.compile("5[.]7[.]1"), BounceReason.REJECTED),
        Map.entry(Pattern.compile("5[.]7[.]1[23]"), BounceReason.REJECTED),
        Map.entry(Pattern.compile("5[.]7[.]124"), BounceReason.REJECTED),
        Map.entry(Pattern.compile("5[.]7[.]13[3-6]"), BounceReason.REJECTED),
        Map.entry(Pattern.compile("5[.]7[.]23"), BounceReason.BLOCKED),
        Map.entry(Pattern.compile("5[.]7[.]25"), BounceReason.NETWORKERROR),
        Map.entry(Pattern.compile("5[.]7[.]50[1-3]"), BounceReason.SPAMDETECTED),
        Map.entry(Pattern.compile("5[.]7[.]50[4-5]"), BounceReason.FILTERED),
        Map.entry(Pattern.compile("5[.]7[.]50[6-7]"), BounceReason.BLOCKED),
        Map.entry(Pattern.compile("5[.]7[.]508"), BounceReason.TOOMANYCONN),
        Map.entry(Pattern.compile("5[.]7[.]509"), BounceReason.SECURITYERROR),
        Map.entry(Pattern.compile("5[.]7[.]510"), BounceReason.NOTACCEPT),
        Map.entry(Pattern.compile("5[.]7[.]511"), BounceReason.REJECTED),
        Map.entry(Pattern.compile("5[.]7[.]512"), BounceReason.SECURITYERROR),
        Map.entry(Pattern.compile("5[.]7[.]57"), BounceReason.SECURITYERROR),
        Map.entry(Pattern.compile("5[.]7[.]60[6-9]"), BounceReason.BLOCKED),
        Map.entry(Pattern.compile("5[.]7[.]6[1-4]\\d"), BounceReason.BLOCKED),
        Map.entry(Pattern.compile("5[.]7[.]7[0-4]\\d"), BounceReason.TOOMANYCONN));

    /** The reason Exchange means by {@code status} in a report it made; null if it is none of its own. */
    static BounceReason exchangeStatus(String status) {
        for (Map.Entry<Pattern, BounceReason> e : EXCHANGE_STATUS) {
            if (e.getKey().matcher(status).matches()) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The reason an MTA or provider phrase of {@code lowerText} names, the first in {@link #TEXT_ORDER}; null if none. */
    static BounceReason mtaReason(String lowerText) {
        if (lowerText.isEmpty()) {
            return null;
        }
        Memo memo = MTA_MEMO.get();
        if (memo.text != lowerText) {
            // a report's human-readable text is asked about once per recipient
            memo.reasons = MTA_PHRASES.reasonsIn(lowerText);
            memo.text = lowerText;
        }
        long found = memo.reasons;
        if (found == 0) {
            return null;
        }
        for (BounceReason reason : TEXT_ORDER) {
            if ((found & (1L << reason.ordinal())) != 0) {
                return reason;
            }
        }
        return null;
    }

    /** Whether {@code lowerText} holds one of {@code reason}'s phrases (a lower-cased text). */
    public static boolean matches(BounceReason reason, String lowerText) {
        if (lowerText.isEmpty()) {
            return false;
        }
        Memo memo = MEMO.get();
        if (memo.text != lowerText) {
            memo.reasons = PHRASES.reasonsIn(lowerText);
            memo.text = lowerText;
        }
        return (memo.reasons & (1L << reason.ordinal())) != 0;
    }

    /**
     * The top-level alternatives of {@code (?>a|b|c)}, {@code (?:a|b|c)} or {@code \A(?:a|b)} (or of {@code a|b|c});
     * the regex itself otherwise. Each is searched only when its literal occurs (a regex without one runs on every text).
     */
    static List<String> alternatives(String regex) {
        String inner = regex;
        String anchor = "";
        if (regex.startsWith("\\A(") && regex.endsWith(")") && closingOf(regex, 2) == regex.length() - 1) {
            // \A(?:a|b): each alternative keeps the anchor
            anchor = "\\A";
            regex = regex.substring(2);
            inner = regex;
        }
        if ((regex.startsWith("(?>") || regex.startsWith("(?:")) && regex.endsWith(")") && closingOf(regex, 0) == regex.length() - 1) {
            inner = regex.substring(3, regex.length() - 1);
        }
        if (!anchor.isEmpty()) {
            List<String> anchored = new ArrayList<>();
            for (String alternative : alternatives(inner)) {
                anchored.add(anchor + alternative);
            }
            return anchored;
        }
        return topLevelAlternatives(inner);
    }

    private static List<String> topLevelAlternatives(String inner) {
        List<String> out = new ArrayList<>();
        int[] start = {0};
        scanStructure(inner, 0, (i, c, depth) -> {
            if (c == '|' && depth == 0) {
                out.add(inner.substring(start[0], i));
                start[0] = i + 1;
            }
            return false;
        });
        out.add(inner.substring(start[0]));
        return out;
    }

    private static int closingOf(String regex, int open) {
        return scanStructure(regex, open, (i, c, depth) -> c == ')' && depth == 0);
    }

    /** Sees one structural character of a regex: {@code (}, {@code )} or {@code |}, with the group depth after it. */
    @FunctionalInterface
    private interface StructureVisitor {
        boolean stopAt(int index, char c, int depth);
    }

    /**
     * Walks a regex from {@code from}, skipping escapes and character classes ({@code []...]} included), and shows the
     * visitor each structural character; the index where the visitor stops, or -1.
     */
    private static int scanStructure(String regex, int from, StructureVisitor visitor) {
        int depth = 0;
        boolean inClass = false;
        for (int i = from; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(' || c == ')' || c == '|') {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                if (visitor.stopAt(i, c, depth)) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** At most this many regexes come out of one alternative: beyond it the automaton gains little. */
    private static final int MAX_EXPANSION = 64;

    /**
     * The alternative with its groups multiplied out: {@code the[ ](?:a|b)c} gives {@code the[ ]ac} and
     * {@code the[ ]bc}, an optional group {@code x(?:y)?} gives {@code xy} and {@code x}. Together they match what
     * the alternative matches (an atomic group's alternatives are all tried, which can only add matches), and each
     * has a longer required literal, or is a plain phrase for the automaton: the phrase regexes then run on far fewer
     * texts. Groups under another quantifier, look-arounds and flags stay as they are; so does everything when a
     * back-reference could name a group.
     */
    static List<String> expandGroups(String alternative) {
        List<String> out = new ArrayList<>();
        if (alternative.matches(".*\\\\[1-9].*") || !expandInto(alternative, 0, out)) {
            return List.of(alternative);
        }
        return out;
    }

    private static boolean expandInto(String regex, int from, List<String> out) {
        int[] found = {-1};
        scanStructure(regex, from, (i, c, depth) -> {
            if (c == '(' && depth == 1 && expandableGroupPrefix(regex, i) > 0) {
                int close = closingOf(regex, i);
                char after = close + 1 < regex.length() ? regex.charAt(close + 1) : 0;
                if (close > 0 && (after == 0 || "*+{".indexOf(after) < 0)) {
                    found[0] = i;
                    return true;
                }
            }
            return false;
        });
        if (found[0] < 0) {
            out.add(regex);
            return out.size() <= MAX_EXPANSION;
        }
        int open = found[0];
        int close = closingOf(regex, open);
        boolean optional = close + 1 < regex.length() && regex.charAt(close + 1) == '?';
        int rest = close + 1;
        if (optional) {
            rest++;
            if (rest < regex.length() && (regex.charAt(rest) == '?' || regex.charAt(rest) == '+')) {
                rest++;
            }
        }
        List<String> choices = new ArrayList<>(topLevelAlternatives(regex.substring(open + expandableGroupPrefix(regex, open), close)));
        if (optional) {
            choices.add("");
        }
        for (String choice : choices) {
            String candidate = regex.substring(0, open) + choice + regex.substring(rest);
            if (!expandInto(candidate, open, out)) {
                return false;
            }
        }
        return true;
    }

    /** 3 for {@code (?:} and {@code (?>}, 1 for a capturing group, 0 for a look-around or flags. */
    private static int expandableGroupPrefix(String regex, int open) {
        if (open + 1 < regex.length() && regex.charAt(open + 1) != '?') {
            return 1;
        }
        if (open + 2 < regex.length() && (regex.charAt(open + 2) == ':' || regex.charAt(open + 2) == '>')) {
            return 3;
        }
        return 0;
    }

    /**
     * The phrase a regex stands for when it is only literal characters ({@code [ ]}, {@code [.]} and {@code \.}
     * included); null when it has any other construct.
     */
    static String plainLiteral(String regex) {
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            int next = i + 1;
            if (c == '[') {
                int close = regex.indexOf(']', i + 2);
                if (close != i + 2 || regex.charAt(i + 1) == '^' || regex.charAt(i + 1) == '\\') {
                    return null;
                }
                c = regex.charAt(i + 1);
                next = close + 1;
            } else if (c == '\\') {
                if (i + 1 >= regex.length() || Character.isLetterOrDigit(regex.charAt(i + 1))) {
                    return null;
                }
                c = regex.charAt(i + 1);
                next = i + 2;
            } else if (".^$|*+?{}()".indexOf(c) >= 0) {
                return null;
            }
            if (next < regex.length() && "*+?{".indexOf(regex.charAt(next)) >= 0) {
                return null;
            }
            literal.append(c);
            i = next;
        }
        return literal.length() == 0 ? null : literal.toString();
    }

    /** The longest run of literal characters outside groups and quantifiers: every match contains it. */
    static String requiredLiteral(String alternative) {
        String best = "";
        StringBuilder run = new StringBuilder();
        int i = 0;
        while (i < alternative.length()) {
            char c = alternative.charAt(i);
            String atom = null;
            int next = i + 1;
            if (c == '(') {
                next = closingOf(alternative, i) + 1;
                if (next <= 0) {
                    return "";
                }
            } else if (c == '[') {
                int close = alternative.indexOf(']', i + 2);
                String body = close < 0 ? "" : alternative.substring(i + 1, close);
                next = close < 0 ? alternative.length() : close + 1;
                if (body.length() == 1 && body.charAt(0) != '^') {
                    atom = body;
                } else if (body.length() == 2 && body.charAt(0) == '\\' && !Character.isLetterOrDigit(body.charAt(1))) {
                    atom = body.substring(1);
                }
            } else if (c == '\\' && i + 1 < alternative.length()) {
                char e = alternative.charAt(i + 1);
                next = i + 2;
                atom = Character.isLetterOrDigit(e) ? null : String.valueOf(e);
            } else if (".^$|*+?{}".indexOf(c) < 0) {
                atom = String.valueOf(c);
            }
            boolean quantified = next < alternative.length() && "*+?{".indexOf(alternative.charAt(next)) >= 0;
            if (atom != null && !quantified) {
                run.append(atom);
            } else {
                if (atom != null && alternative.charAt(next) == '+') {
                    run.append(atom);
                }
                if (run.length() > best.length()) {
                    best = run.toString();
                }
                run.setLength(0);
            }
            i = next;
        }
        return run.length() > best.length() ? run.toString() : best;
    }

    private static PhraseIndex load() {
        PhraseIndex index = new PhraseIndex();
        load(index, "reason-phrases.txt");
        load(index, "reason-phrases-postbridge.txt");
        index.build();
        return index;
    }

    private static PhraseIndex loadMta() {
        PhraseIndex index = new PhraseIndex();
        load(index, "mta-phrases.txt");
        index.build();
        return index;
    }

    private static void load(PhraseIndex index, String resource) {
        try (InputStream in = ReasonClassifier.class.getResourceAsStream(resource);
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] parts = line.split("\t", 4);
                BounceReason reason = BounceReason.fromWireName(parts[0])
                    .orElseThrow(() -> new IllegalStateException(resource + ": unknown reason " + parts[0]));
                if (parts[1].equals("s")) {
                    index.addSubstring(reason, parts[2]);
                } else {
                    for (String alternative : alternatives(parts[2])) {
                        for (String expanded : expandGroups(alternative)) {
                            String literal = plainLiteral(expanded);
                            if (literal != null) {
                                index.addSubstring(reason, literal);
                            } else {
                                index.addRegex(reason, requiredLiteral(expanded), Pattern.compile(expanded));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(resource + " is part of the jar and could not be read", e);
        }
    }
}
