package io.postbridge.core.bounce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.io.MaxLineLimitException;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;

/**
 * Parses an inbound message into a {@link BounceReport}: RFC 3464 delivery reports, ARF complaints (RFC 5965),
 * auto-replies (RFC 3834) and the free-form bounces of common MTAs. It streams the message once through mime4j
 * and is bounded in bytes, header fields, nesting, recipients and time: hostile input ends with a report naming the
 * limit, never with an exception or a stuck worker. Thread-safe; one instance serves a whole server.
 */
public final class BounceParser {
    private static final Pattern AUTO_SUBJECT = Pattern.compile(
        "^(?:auto(?:matic)?[ -]?(?:reply|response|antwort)|out of (?:the )?office|abwesenheit|vacation|away from|autoreply|r[ée]ponse automatique|auto:)",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern BOUNCE_SUBJECT = Pattern.compile(
        "undeliver|undelivered|delivery (?:status notification|failure|has failed|failed|problem|report)|returned mail|mail delivery failed"
            + "|failure notice|non[- ]?delivery|could not be delivered|not delivered|delivery notification|mail system error"
            + "|returned to sender|nondeliverable|bounce|warning: could not send|message you sent|delivery incomplete"
            + "|unzustellbar|unable to deliver|permanent error|delayed mail|delivery delayed",
        Pattern.CASE_INSENSITIVE);

    private static final Set<String> TOP_FIELDS = Set.of("content-type", "from", "subject", "x-failed-recipients",
        "auto-submitted", "precedence", "x-autoreply", "x-autorespond");
    private static final Set<String> ORIGINAL_FIELDS = Set.of("message-id", "from", "to", "subject", "date", "return-path",
        "delivered-to");
    // <br>, </p>, </div>, </tr> in any case, with the '<' first: the search fails at once where no tag starts (as a
    // case-insensitive alternation of the four it tried each alternative at every character of the text)
    private static final Pattern HTML_BREAK = Pattern.compile("<(?:[bB][rR]\\s*/?|/(?:[pP]|[dD][iI][vV]|[tT][rR]))>");
    private static final Pattern HTML_TAG = Pattern.compile("<[^>]*>");

    /** The bounds; the defaults fit any real bounce (the largest in set-of-emails is under 200 KB). */
    public static final class Limits {
        final long maxBytes;
        final int maxHeaderFields;
        final int maxRecipients;
        final int maxDepth;
        final int maxTextChars;
        final Duration timeBudget;

        public Limits(long maxBytes, int maxHeaderFields, int maxRecipients, int maxDepth, int maxTextChars, Duration timeBudget) {
            this.maxBytes = maxBytes;
            this.maxHeaderFields = maxHeaderFields;
            this.maxRecipients = maxRecipients;
            this.maxDepth = maxDepth;
            this.maxTextChars = maxTextChars;
            this.timeBudget = timeBudget;
        }

        public static Limits defaults() {
            return new Limits(16L * 1024 * 1024, 1000, 1000, 12, 256 * 1024, Duration.ofSeconds(2));
        }
    }

    private final Limits limits;

    public BounceParser(Limits limits) {
        this.limits = limits;
        // the phrase tables load here, not on the first message's clock (its time bound)
        ReasonClassifier.loadTables();
    }

    public BounceParser() {
        this(Limits.defaults());
    }

    /** Parses {@code message}; reads at most {@link Limits#maxBytes} of it. Only an I/O error of the stream itself throws. */
    public BounceReport parse(InputStream message) throws IOException {
        Reading reading = new Reading();
        LineEndingInputStream in = new LineEndingInputStream(message, limits.maxBytes);
        try {
            read(in, reading);
        } catch (MaxHeaderLimitException e) {
            reading.limit("headers: more than " + limits.maxHeaderFields + " fields or a field too long");
        } catch (MaxLineLimitException e) {
            reading.limit("headers: a line longer than 64 KiB");
        } catch (MimeException e) {
            boolean limit = e.getCause() instanceof MaxLineLimitException || e.getCause() instanceof MaxHeaderLimitException
                || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("limit");
            reading.limit(limit ? "headers: " + e.getMessage() : "malformed: " + e.getMessage());
        } catch (RuntimeException e) {
            // mime4j refuses what it cannot read at all; report what was read before
            reading.limit("malformed: " + e.getClass().getSimpleName());
        }
        if (in.limitHit()) {
            reading.limit("size: more than " + limits.maxBytes + " bytes");
        }
        return reading.report();
    }

    private void read(InputStream in, Reading reading) throws IOException, MimeException {
        MimeConfig config = new MimeConfig.Builder()
            .setStrictParsing(false)
            .setMaxHeaderCount(limits.maxHeaderFields)
            .setMaxHeaderLen(64 * 1024)
            .setMaxLineLen(64 * 1024)
            .setMaxContentLen(-1)
            .build();
        MimeTokenStream stream = new MimeTokenStream(config);
        stream.parse(in);
        long deadline = System.nanoTime() + limits.timeBudget.toNanos();
        Deque<Entity> stack = new ArrayDeque<>();
        Entity returnedRoot = null;
        for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
            if (System.nanoTime() > deadline) {
                reading.limit("time: parsing took longer than " + limits.timeBudget.toMillis() + " ms");
                return;
            }
            switch (state) {
                case T_START_MESSAGE: {
                    Entity parent = stack.peek();
                    Entity entity = new Entity(stack.isEmpty(), parent != null && (parent.returned || parent.isMessagePart()));
                    if (entity.returned && returnedRoot == null && (parent == null || !parent.returned)) {
                        returnedRoot = entity;
                    }
                    stack.push(entity);
                    break;
                }
                case T_START_BODYPART: {
                    Entity parent = stack.peek();
                    stack.push(new Entity(false, parent != null && parent.returned));
                    break;
                }
                case T_END_HEADER:
                    if (stack.peek() != null && stack.peek() == returnedRoot) {
                        // the returned original's headers are read; its body (parts, attachments) is skipped unparsed
                        stream.setRecursionMode(RecursionMode.M_RAW);
                    }
                    break;
                case T_END_MESSAGE:
                case T_END_BODYPART:
                    if (!stack.isEmpty()) {
                        if (stack.pop() == returnedRoot) {
                            stream.setRecursionMode(RecursionMode.M_RECURSE);
                        }
                    }
                    break;
                case T_FIELD: {
                    Entity entity = stack.peek();
                    Field field = stream.getField();
                    String name = field.getNameLowerCase();
                    if (entity == null) {
                        break;
                    }
                    // decoding a field's body costs; only the fields the report uses are decoded
                    if (name.equals("content-type")) {
                        entity.contentType = field.getBody().toLowerCase(Locale.ROOT);
                    }
                    if (entity.top && name.startsWith("x-ms-exchange-")) {
                        // Office 365 stamps the reports it makes (Sisimai's Office365 decoder looks for these)
                        reading.office365 = true;
                    }
                    if (entity.top && TOP_FIELDS.contains(name)) {
                        reading.topHeader(name, field.getBody());
                    } else if (entity == returnedRoot && ORIGINAL_FIELDS.contains(name)) {
                        reading.original.putIfAbsent(name, field.getBody().trim());
                    }
                    break;
                }
                case T_START_MULTIPART:
                    if (stack.size() > limits.maxDepth) {
                        reading.limit("nesting: more than " + limits.maxDepth + " levels of MIME parts");
                        return;
                    }
                    break;
                case T_BODY: {
                    Entity entity = stack.peek();
                    if (entity == null || entity.returned) {
                        break;
                    }
                    Entity parent = stack.size() > 1 ? stack.stream().skip(1).findFirst().orElse(null) : null;
                    entity.inAlternative = parent != null && parent.contentType.startsWith("multipart/alternative");
                    body(stream, entity, reading);
                    break;
                }
                default:
                    break;
            }
        }
    }

    private void body(MimeTokenStream stream, Entity entity, Reading reading) throws IOException {
        BodyDescriptor descriptor = stream.getBodyDescriptor();
        String mime = descriptor.getMimeType().toLowerCase(Locale.ROOT);
        Charset charset = charset(descriptor.getCharset());
        switch (mime) {
            case "message/delivery-status":
            case "message/global-delivery-status": {
                HeaderBlocks.Result blocks = HeaderBlocks.read(reader(stream, charset), limits.maxBytes, "final-recipient",
                    limits.maxRecipients + 1);
                reading.dsn.addAll(blocks.groups);
                if (blocks.truncated) {
                    reading.limit("recipients: more than " + limits.maxRecipients + " in the report");
                }
                reading.sawDeliveryStatus = true;
                break;
            }
            case "message/feedback-report": {
                HeaderBlocks.Result blocks = HeaderBlocks.read(reader(stream, charset), 256 * 1024, null, 4);
                blocks.groups.forEach(reading.arf::putAll);
                reading.sawFeedbackReport = true;
                break;
            }
            case "text/rfc822-headers":
            case "text/rfc822-header":
            case "message/global-headers": {
                HeaderBlocks.Result blocks = HeaderBlocks.read(reader(stream, charset), 256 * 1024, null, 1);
                if (!blocks.groups.isEmpty()) {
                    blocks.groups.get(0).forEach(reading.original::putIfAbsent);
                }
                break;
            }
            default:
                if (mime.equals("text/html") && entity.inAlternative && reading.textInAlternative) {
                    // the HTML twin of a text/plain part already read says the same
                    break;
                }
                if (mime.startsWith("text/") && reading.text.length() < limits.maxTextChars) {
                    reading.textInAlternative |= entity.inAlternative && mime.equals("text/plain");
                    appendText(new InputStreamReader(stream.getDecodedInputStream(), charset), reading, mime.equals("text/html"));
                }
                break;
        }
    }

    /** One decoding buffer per thread: a report has several text parts, a worker parses many reports. */
    private static final ThreadLocal<char[]> TEXT_BUFFER = ThreadLocal.withInitial(() -> new char[8192]);

    private void appendText(Reader reader, Reading reading, boolean html) throws IOException {
        if (!html) {
            appendPlainText(reader, reading);
            return;
        }
        char[] buffer = TEXT_BUFFER.get();
        StringBuilder part = new StringBuilder();
        int n;
        while ((n = reader.read(buffer)) > 0 && reading.text.length() + part.length() < limits.maxTextChars) {
            part.append(buffer, 0, Math.min(n, limits.maxTextChars - reading.text.length() - part.length()));
        }
        String text = part.toString().replace("\r\n", "\n");
        if (html) {
            text = HTML_TAG.matcher(HTML_BREAK.matcher(text).replaceAll("\n")).replaceAll(" ")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&nbsp;", " ").replace("&amp;", "&");
        }
        if (reading.text.length() > 0) {
            reading.text.append("\n\n");
        }
        reading.text.append(text);
    }

    /**
     * A text part decoded straight onto the report's text, CRLF read as LF on the way (no copy of the part; what
     * {@code replace("\r\n", "\n")} of the whole part gave).
     */
    private void appendPlainText(Reader reader, Reading reading) throws IOException {
        StringBuilder out = reading.text;
        if (out.length() > 0) {
            out.append("\n\n");
        }
        char[] buffer = TEXT_BUFFER.get();
        boolean pendingCr = false;
        int n;
        while (out.length() < limits.maxTextChars && (n = reader.read(buffer)) > 0) {
            int end = Math.min(n, limits.maxTextChars - out.length());
            int from = 0;
            if (pendingCr) {
                if (buffer[0] != '\n') {
                    out.append('\r');
                }
                pendingCr = false;
            }
            for (int i = 0; i < end; i++) {
                if (buffer[i] == '\r') {
                    out.append(buffer, from, i - from);
                    from = i + 1;
                    if (i + 1 == end) {
                        pendingCr = true;
                    } else if (buffer[i + 1] != '\n') {
                        out.append('\r');
                    }
                }
            }
            out.append(buffer, from, end - from);
        }
        if (pendingCr) {
            out.append('\r');
        }
    }

    private static BufferedReader reader(MimeTokenStream stream, Charset charset) {
        return new BufferedReader(new InputStreamReader(stream.getDecodedInputStream(), charset));
    }

    /** Charsets by the name a part gives (looking one up, an unknown one above all, costs more than parsing the part). */
    private static final Map<String, Charset> CHARSETS = new java.util.concurrent.ConcurrentHashMap<>();

    private static Charset charset(String name) {
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        Charset known = CHARSETS.get(name);
        if (known != null) {
            return known;
        }
        Charset c;
        try {
            c = Charset.forName(name);
            c = c.name().equalsIgnoreCase("US-ASCII") ? StandardCharsets.UTF_8 : c;
        } catch (RuntimeException e) {
            c = StandardCharsets.UTF_8;
        }
        if (CHARSETS.size() < 256) {
            CHARSETS.put(name, c);
        }
        return c;
    }

    private static final class Entity {
        final boolean top;
        final boolean returned;
        String contentType = "";
        boolean inAlternative;

        Entity(boolean top, boolean returned) {
            this.top = top;
            this.returned = returned;
        }

        boolean isMessagePart() {
            return contentType.startsWith("message/rfc822") || contentType.startsWith("message/global");
        }
    }

    /** Everything collected while streaming, turned into the report at the end. */
    private final class Reading {
        final Map<String, String> top = new LinkedHashMap<>();
        final List<String> failedRecipientsHeaders = new ArrayList<>();
        final List<Map<String, String>> dsn = new ArrayList<>();
        final Map<String, String> arf = new LinkedHashMap<>();
        final Map<String, String> original = new LinkedHashMap<>();
        final StringBuilder text = new StringBuilder();
        boolean sawDeliveryStatus;
        boolean sawFeedbackReport;
        boolean textInAlternative;
        String limitHit;

        void limit(String what) {
            if (limitHit == null) {
                limitHit = what;
            }
        }

        void topHeader(String name, String value) {
            if (name.equals("x-failed-recipients")) {
                failedRecipientsHeaders.add(value);
            }
            top.putIfAbsent(name, value);
        }

        BounceReport report() {
            Map<String, String> returned = new LinkedHashMap<>();
            for (String name : List.of("message-id", "from", "to", "subject", "date", "return-path", "delivered-to")) {
                // the returned original's headers (a message/rfc822 part or a text/rfc822-headers block)
                Optional.ofNullable(original.get(name)).ifPresent(v -> returned.put(name, v));
            }
            String fullText = fullText();
            if (returned.isEmpty()) {
                returned.putAll(TextBounceScanner.inlineOriginal(fullText));
            }
            String contentType = top.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
            Optional<String> limit = Optional.ofNullable(limitHit);
            if (sawFeedbackReport || contentType.contains("feedback-report")) {
                return complaint(returned, limit);
            }
            List<BouncedRecipient> recipients = new ArrayList<>();
            String format = "none";
            List<TextBounceScanner.Candidate> fromText = null;
            Set<String> excluded = excluded(returned);
            if (!dsn.isEmpty()) {
                // the text is read only when a report leaves out the remote reply (Postfix, qmail-based DSNs)
                boolean needText = dsn.stream().anyMatch(g -> g.getOrDefault("diagnostic-code", "").isBlank());
                fromText = needText ? TextBounceScanner.scan(fullText, excluded) : null;
                for (Map<String, String> group : dsn) {
                    if (recipients.size() >= limits.maxRecipients) {
                        limit("recipients: more than " + limits.maxRecipients + " in the report");
                        break;
                    }
                    fromDsn(group, fromText).ifPresent(recipients::add);
                }
                if (!recipients.isEmpty()) {
                    format = "rfc3464";
                }
            }
            boolean looksLikeBounce = sawDeliveryStatus || contentType.contains("report-type=delivery-status")
                || !failedRecipientsHeaders.isEmpty() || fromDaemon() || BOUNCE_SUBJECT.matcher(top.getOrDefault("subject", "")).find();
            if (recipients.isEmpty() && looksLikeBounce) {
                if (fromText == null) {
                    fromText = TextBounceScanner.scan(fullText, excluded);
                }
                List<String> failed = new ArrayList<>();
                failedRecipientsHeaders.forEach(h -> failed.addAll(TextBounceScanner.addresses(h)));
                List<TextBounceScanner.Candidate> chosen = new ArrayList<>();
                if (!failed.isEmpty()) {
                    for (String address : failed) {
                        chosen.add(fromText.stream().filter(c -> c.address.equals(address)).findFirst()
                            .orElseGet(() -> new TextBounceScanner.Candidate(address)));
                    }
                } else {
                    chosen.addAll(fromText);
                }
                for (TextBounceScanner.Candidate candidate : chosen) {
                    if (recipients.size() >= limits.maxRecipients) {
                        limit("recipients: more than " + limits.maxRecipients + " in the text");
                        break;
                    }
                    recipients.add(fromText(candidate, textPart(), chosen.size() == 1));
                }
                if (!recipients.isEmpty()) {
                    format = mta(fullText, failed.isEmpty() ? "text" : "exim");
                }
            }
            if (recipients.isEmpty()) {
                if (isAutoReply() && !fromDaemon()) {
                    return new BounceReport(BounceKind.AUTO_REPLY, "rfc3834", autoReplyRecipient(), returned,
                        Optional.empty(), limit);
                }
                return new BounceReport(BounceKind.NOT_A_BOUNCE, "none", List.of(), returned, Optional.empty(), limit);
            }
            boolean allDelivered = recipients.stream().allMatch(r -> r.reason() == BounceReason.DELIVERED);
            return new BounceReport(allDelivered ? BounceKind.DELIVERED : BounceKind.BOUNCE, format, recipients, returned,
                Optional.empty(), limit);
        }

        private Set<String> excluded(Map<String, String> returned) {
            Set<String> excluded = new HashSet<>();
            TextBounceScanner.addresses(top.getOrDefault("from", "")).forEach(excluded::add);
            TextBounceScanner.addresses(returned.getOrDefault("from", "")).forEach(excluded::add);
            return excluded;
        }

        private boolean fromDaemon() {
            String from = top.getOrDefault("from", "").toLowerCase(Locale.ROOT);
            return from.contains("mailer-daemon") || from.contains("postmaster") || from.contains("mail delivery")
                || from.contains("mailer_daemon") || from.contains("maildaemon") || from.contains("mail-daemon");
        }

        private boolean isAutoReply() {
            String auto = top.getOrDefault("auto-submitted", "").toLowerCase(Locale.ROOT);
            String precedence = top.getOrDefault("precedence", "").toLowerCase(Locale.ROOT);
            return auto.startsWith("auto-replied") || top.containsKey("x-autoreply") || top.containsKey("x-autorespond")
                || precedence.equals("auto_reply") || AUTO_SUBJECT.matcher(top.getOrDefault("subject", "").trim()).find();
        }

        private List<BouncedRecipient> autoReplyRecipient() {
            List<String> from = TextBounceScanner.addresses(top.getOrDefault("from", ""));
            if (from.isEmpty()) {
                return List.of();
            }
            return List.of(new BouncedRecipient(from.get(0), "", Optional.empty(), Hardness.UNKNOWN, BounceReason.VACATION,
                top.getOrDefault("subject", ""), Optional.empty(), 0.8));
        }

        private BounceReport complaint(Map<String, String> returned, Optional<String> limit) {
            List<String> rcpts = TextBounceScanner.addresses(arf.getOrDefault("original-rcpt-to", ""));
            if (rcpts.isEmpty()) {
                // RFC 5965 makes Original-Rcpt-To optional: the attached copy's To is who complained
                rcpts = TextBounceScanner.addresses(returned.getOrDefault("to", original.getOrDefault("to", "")));
            }
            if (rcpts.isEmpty()) {
                rcpts = TextBounceScanner.addresses(arf.getOrDefault("removal-recipient", ""));
            }
            Optional<String> type = Optional.ofNullable(arf.get("feedback-type")).map(t -> t.trim().toLowerCase(Locale.ROOT))
                .or(() -> Optional.of("abuse"));
            List<BouncedRecipient> recipients = new ArrayList<>();
            for (String rcpt : rcpts) {
                recipients.add(new BouncedRecipient(rcpt, "", Optional.empty(), Hardness.UNKNOWN, BounceReason.FEEDBACK,
                    type.get(), Optional.ofNullable(arf.get("source-ip")), sawFeedbackReport ? 0.95 : 0.6));
            }
            return new BounceReport(BounceKind.COMPLAINT, "arf", recipients, returned, type, limit);
        }

        private Optional<BouncedRecipient> fromDsn(Map<String, String> group, List<TextBounceScanner.Candidate> fromText) {
            String recipientField = group.getOrDefault("final-recipient", group.get("original-recipient"));
            if (recipientField == null) {
                return Optional.empty();
            }
            List<String> addresses = TextBounceScanner.addresses(stripType(recipientField));
            if (addresses.isEmpty()) {
                return Optional.empty();
            }
            String address = addresses.get(0);
            String action = group.getOrDefault("action", "").trim().toLowerCase(Locale.ROOT);
            int space = action.indexOf(' ');
            action = space > 0 ? action.substring(0, space) : action;
            String diagnosticField = group.getOrDefault("diagnostic-code", "");
            String diagnosticType = "";
            int semi = diagnosticField.indexOf(';');
            String diagnostic = diagnosticField;
            if (semi > 0 && semi < 20 && !diagnosticField.substring(0, semi).contains(" ")) {
                diagnosticType = diagnosticField.substring(0, semi).trim().toLowerCase(Locale.ROOT);
                diagnostic = diagnosticField.substring(semi + 1).trim();
            }
            if (diagnostic.isBlank() && fromText != null) {
                diagnostic = fromText.stream().filter(c -> c.address.equals(address)).findFirst()
                    .map(c -> c.diagnostic.toString()).orElse("");
            }
            Optional<EnhancedStatus> status = reconcile(EnhancedStatus.parse(group.get("status")), diagnostic);
            if (action.isEmpty()) {
                action = status.map(s -> s.isPermanent() ? "failed" : s.isTransient() ? "delayed" : "delivered").orElse("failed");
            }
            Optional<String> remoteMta = Optional.ofNullable(group.get("remote-mta")).map(BounceParser::stripType);
            ReasonClassifier.Verdict verdict = ReasonClassifier.classify(status, diagnostic, action, diagnosticType, commandHint(),
                dsn.size() == 1 ? humanText() : "", remoteHosts(remoteMta.orElse(""), diagnostic, address),
                reporterReason(group, status));
            return Optional.of(recipient(address, action, status, verdict, diagnostic, remoteMta));
        }

        private String commandHint;
        private String humanText;

        /**
         * The reason the reporting MTA states itself, as Sisimai's decoder for it reads it: PowerMTA's per-recipient
         * X-PowerMTA-BounceCategory, Office 365's own status codes (Lhost/PowerMTA.pm, Lhost/Office365.pm); null if none.
         */
        private BounceReason reporterReason(Map<String, String> group, Optional<EnhancedStatus> status) {
            String category = group.get("x-powermta-bouncecategory");
            if (category != null) {
                BounceReason byCategory = ReasonClassifier.powerMtaCategory(category.trim().toLowerCase(Locale.ROOT));
                if (byCategory != null) {
                    return byCategory;
                }
            }
            if (status.isPresent() && isExchangeReport()) {
                return ReasonClassifier.exchangeStatus(status.get().toString());
            }
            return null;
        }

        /** A report Office 365 made (its X-MS-Exchange-* fields on the report itself). */
        boolean office365;

        private boolean isExchangeReport() {
            return office365;
        }

        private String fullText;
        private String textPart;

        /** The text of the report's text parts, copied out of the builder once. */
        private String fullText() {
            if (fullText == null) {
                fullText = text.toString();
            }
            return fullText;
        }

        /** The text before the returned original, found once per report. */
        private String textPart() {
            if (textPart == null) {
                textPart = TextBounceScanner.beforeOriginal(fullText());
            }
            return textPart;
        }

        /** The human-readable part before the returned original, its first 4000 characters lower-cased, read once. */
        private String humanText() {
            if (humanText == null) {
                String part = textPart();
                // one line, as the MTAs' phrases are matched (a phrase may be wrapped over two lines)
                humanText = (part.length() > 4000 ? part.substring(0, 4000) : part).toLowerCase(Locale.ROOT)
                    .replace('\n', ' ');
            }
            return humanText;
        }

        /** The SMTP command the human-readable part names, read once per report ("" when it names none). */
        private String commandHint() {
            if (commandHint == null) {
                commandHint = ReasonClassifier.smtpCommand(humanText());
            }
            return commandHint;
        }

        private BouncedRecipient fromText(TextBounceScanner.Candidate candidate, String textPart, boolean only) {
            String diagnostic = candidate.diagnostic.toString();
            if (only && EnhancedStatus.findReplyCode(diagnostic).isEmpty() && EnhancedStatus.find(diagnostic).isEmpty()) {
                // the explanation is elsewhere in the text (Google, Microsoft, Exim put it under the address block)
                String context = textPart.length() > 2000 ? textPart.substring(0, 2000) : textPart;
                diagnostic = (diagnostic + " " + context.replace('\n', ' ')).trim();
            }
            Optional<EnhancedStatus> status = reconcile(Optional.empty(), diagnostic);
            ReasonClassifier.Verdict verdict = ReasonClassifier.classify(status, diagnostic, "failed", "", commandHint(),
                only ? humanText() : "", remoteHosts("", diagnostic, candidate.address));
            // an MTA's text bounce is sent when it gives up: the recipient failed, even after 4xx replies
            return recipient(candidate.address, "failed", status, new ReasonClassifier.Verdict(verdict.reason,
                Math.min(verdict.confidence, 0.8)), diagnostic, Optional.empty());
        }

        private BouncedRecipient recipient(String address, String action, Optional<EnhancedStatus> status,
                                           ReasonClassifier.Verdict verdict, String diagnostic, Optional<String> remoteMta) {
            Hardness hardness = verdict.reason.hardness(status);
            String reply = diagnostic.length() > 500 ? diagnostic.substring(0, 500) : diagnostic;
            return new BouncedRecipient(address, action, status, hardness, verdict.reason, reply, remoteMta, verdict.confidence);
        }
    }

    /**
     * The Status field, unless it is missing or says only "failed" (x.0.0) while the remote reply names a more
     * specific code of the same class; a bare reply code (550) gives x.0.0.
     */
    static Optional<EnhancedStatus> reconcile(Optional<EnhancedStatus> field, String diagnostic) {
        Optional<EnhancedStatus> inText = EnhancedStatus.find(diagnostic);
        if (field.isPresent() && !field.get().isGeneric()) {
            return field;
        }
        if (inText.isPresent() && (field.isEmpty() || field.get().klass() == inText.get().klass() || field.get().klass() == 2)) {
            return field.isPresent() && field.get().klass() == 2 ? field : inText;
        }
        if (field.isPresent()) {
            return field;
        }
        return EnhancedStatus.findReplyCode(diagnostic).filter(c -> c >= 400).map(EnhancedStatus::fromReplyClass);
    }

    private static String mta(String text, String fallback) {
        String t = text.length() > 4000 ? text.substring(0, 4000) : text;
        if (t.contains("This is the mail system at host") || t.contains("Postfix")) {
            return "postfix";
        }
        if (t.contains("This message was created automatically by mail delivery software")) {
            return "exim";
        }
        if (t.contains("This is the qmail-send program") || t.contains("qmail")) {
            return "qmail";
        }
        if (t.contains("Transcript of session follows") || t.contains("The original message was received at")) {
            return "sendmail";
        }
        if (t.contains("Delivery has failed to these recipients") || t.contains("Your message to") && t.contains("couldn't be delivered")) {
            return "microsoft";
        }
        if (t.contains("wasn't delivered to") || t.contains("Delivery to the following recipient")) {
            return "google";
        }
        if (t.contains("Sorry, we were unable to deliver your message")) {
            return "yahoo";
        }
        return fallback;
    }

    private static final Pattern HOST_IN_REPLY = Pattern.compile("\\bhost\\s+([a-z0-9][a-z0-9.-]*[a-z0-9])\\s*\\[",
        Pattern.CASE_INSENSITIVE);

    /**
     * Who may have refused, for the provider rules: the Remote-MTA, the host a Postfix or Exim reply names
     * ("host mx.example[192.0.2.1] said"), the recipient's domain; each cleaned as Sisimai cleans its rhost (the
     * first word, no brackets, no trailing dot).
     */
    static List<String> remoteHosts(String remoteMta, String diagnostic, String recipient) {
        List<String> hosts = new ArrayList<>(3);
        StringBuilder clean = new StringBuilder(remoteMta.length());
        for (int i = 0; i < remoteMta.length(); i++) {
            char c = remoteMta.charAt(i);
            if (c != '[' && c != ']' && c != '(' && c != ')') {
                clean.append(c);
            }
        }
        String mta = clean.toString().trim();
        int space = mta.indexOf(' ');
        mta = (space > 0 ? mta.substring(0, space) : mta).toLowerCase(Locale.ROOT);
        if (mta.endsWith(".")) {
            mta = mta.substring(0, mta.length() - 1);
        }
        if (!mta.isEmpty()) {
            hosts.add(mta);
        }
        if (diagnostic.indexOf("host") >= 0 || diagnostic.indexOf("Host") >= 0) {
            Matcher m = HOST_IN_REPLY.matcher(diagnostic.length() > 2000 ? diagnostic.substring(0, 2000) : diagnostic);
            if (m.find()) {
                hosts.add(m.group(1).toLowerCase(Locale.ROOT));
            }
        }
        int at = recipient.lastIndexOf('@');
        if (at >= 0) {
            hosts.add(recipient.substring(at + 1));
        }
        return hosts;
    }

    private static String stripType(String value) {
        int semi = value.indexOf(';');
        return (semi >= 0 ? value.substring(semi + 1) : value).trim();
    }
}
