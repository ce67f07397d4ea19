package io.postbridge.core.suppression;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import io.postbridge.core.bounce.BounceKind;
import io.postbridge.core.bounce.BounceReason;
import io.postbridge.core.bounce.BounceReport;
import io.postbridge.core.bounce.BouncedRecipient;
import io.postbridge.core.bounce.EnhancedStatus;
import io.postbridge.core.bounce.Hardness;
import io.postbridge.core.bounce.ReasonClassifier;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.verp.VerpAddress;
import io.postbridge.core.verp.VerpCodec;

/**
 * What bounces and delivery results do to the suppression list, for the mailets: an inbound bounce or complaint
 * (linked to its account by the returned Message-ID), a permanent failure while sending, a delivery.
 */
public final class BounceOutcomes {
    private final SuppressionList suppressions;
    private final MailEventLog events;

    public BounceOutcomes(SuppressionList suppressions, MailEventLog events) {
        this.suppressions = Objects.requireNonNull(suppressions);
        this.events = Objects.requireNonNull(events);
    }

    /** The account that sent the bounced message, when the returned original names a message we sent. */
    public Optional<String> account(BounceReport report) {
        return report.originalMessageId().flatMap(events::accountOfMessage);
    }

    /**
     * Applies an inbound report for {@code account}: bounces count (hard at once, soft towards N), complaints
     * suppress, auto-replies and delivery reports change nothing. Returns the event detail that says what was read.
     */
    public String apply(BounceReport report, Optional<String> account) {
        List<String> parts = new ArrayList<>();
        for (BouncedRecipient r : report.recipients()) {
            parts.add(line(report, r, r.address(), account));
        }
        String head = report.kind().wireName() + " (" + report.format() + ")" + account.map(a -> " for account " + a).orElse(", no account linked");
        return parts.isEmpty() ? head : head + ": " + parts.stream().collect(Collectors.joining("; "));
    }

    /**
     * Applies a report that came back to a VERP return path: the address names the account, the message and the
     * recipient (whatever the report calls it: forwarding rewrites addresses); the report says why. Its recipient
     * of that address is used, else its first one.
     */
    public String apply(BounceReport report, VerpAddress verp) {
        Optional<BouncedRecipient> about = report.recipients().stream()
            .filter(r -> r.address().equalsIgnoreCase(verp.recipient())).findFirst()
            .or(() -> report.recipients().stream().findFirst());
        String message = report.originalMessageId().filter(id -> VerpCodec.messageRef(id).equalsIgnoreCase(verp.messageRef()))
            .map(id -> "message " + id).orElse("message ref " + verp.messageRef());
        String head = report.kind().wireName() + " (" + report.format() + ") for account " + verp.account() + " (VERP, " + message + ")";
        if (about.isEmpty()) {
            return head + ": " + verp.recipient() + ", no failure read";
        }
        return head + ": " + line(report, about.get(), verp.recipient(), Optional.of(verp.account()));
    }

    /**
     * Applies a report that came back to the SRS address of a copy an alias forwarded: the failed recipients are
     * the alias targets (the report names them as we sent to them), counted and suppressed in the scope
     * {@link Suppression#FORWARDING}. {@code originalSender} is who the SRS address reverses to, {@code alias} the
     * alias the returned copy names (its Delivered-To), when it does.
     */
    public String applyForwarded(BounceReport report, String originalSender, Optional<String> alias) {
        List<String> parts = new ArrayList<>();
        for (BouncedRecipient r : report.recipients()) {
            parts.add(line(report, r, r.address(), Optional.of(Suppression.FORWARDING)));
        }
        String head = report.kind().wireName() + " (" + report.format() + ") of mail forwarded" + alias.map(a -> " by alias " + a).orElse("")
            + " (SRS, original sender " + originalSender + ")";
        return parts.isEmpty() ? head + ", no failure read" : head + ": " + String.join("; ", parts);
    }

    private String line(BounceReport report, BouncedRecipient r, String address, Optional<String> account) {
        String line = address + " " + r.status().map(EnhancedStatus::toString).orElse("-") + " " + r.hardness().wireName()
            + " " + r.reason().wireName() + (r.remoteReply().isEmpty() ? "" : " (" + truncate(r.remoteReply(), 300) + ")");
        if (account.isPresent()) {
            if (report.kind() == BounceKind.COMPLAINT) {
                suppressions.recordComplaint(account.get(), address, report.feedbackType().orElse("abuse") + " report");
                line += " -> suppressed (complaint)";
            } else if (report.kind() == BounceKind.BOUNCE && !"delayed".equals(r.action())) {
                // a "delayed" report is a warning, the message is still queued remotely: nothing failed yet
                Optional<Suppression> s = suppressions.recordFailure(account.get(), address, r.hardness(), "bounce",
                    r.status().map(EnhancedStatus::toString).orElse("") + " " + r.remoteReply());
                if (s.isPresent()) {
                    line += " -> suppressed (" + s.get().reason().wireName() + ")";
                }
            }
        }
        return line;
    }

    /**
     * The remote server refused {@code recipient} while we sent (a 5xx at RCPT or DATA, or a provider's permanent
     * error); {@code error} is its reply. Classified like a bounce's remote reply.
     */
    public Optional<Suppression> failedWhileSending(String account, String recipient, String error, boolean permanent) {
        Optional<EnhancedStatus> status = EnhancedStatus.find(error).or(() -> EnhancedStatus.findReplyCode(error)
            .filter(c -> c >= 400).map(EnhancedStatus::fromReplyClass));
        BounceReason reason = ReasonClassifier.classify(status, error, "failed", "").reason;
        Hardness hardness = permanent ? reason.hardness(status) : Hardness.SOFT;
        return suppressions.recordFailure(account, recipient, hardness, "smtp", error);
    }

    /**
     * Gmail or Graph refused the message permanently with a recipient address problem (status 5.1.3: Graph's
     * ErrorInvalidRecipients, Gmail's "Invalid To header"): the recipients the error names, or the only recipient,
     * are suppressed as hard bounces (source {@code provider}). Any other permanent provider error (the sender's
     * rights, size, policy) says nothing about the recipients and changes nothing. Returns the suppressed addresses.
     */
    public List<String> rejectedByProvider(String account, List<String> recipients, String status, String detail) {
        if (!status.startsWith("5.1.3")) {
            return List.of();
        }
        String lower = detail.toLowerCase(java.util.Locale.ROOT);
        List<String> named = recipients.stream().filter(r -> lower.contains(r.toLowerCase(java.util.Locale.ROOT)))
            .collect(Collectors.toList());
        List<String> refused = !named.isEmpty() ? named : recipients.size() == 1 ? recipients : List.of();
        for (String recipient : refused) {
            suppressions.recordFailure(account, recipient, Hardness.HARD, "provider", status + " " + detail);
        }
        return refused;
    }

    public void delivered(String account, String recipient) {
        suppressions.recordDelivery(account, recipient);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
