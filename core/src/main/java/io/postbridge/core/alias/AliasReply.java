package io.postbridge.core.alias;

import java.util.Objects;
import java.util.Optional;

/**
 * The reply for each way alias forwarding refuses a recipient, written once: the RCPT hook answers with it, and the
 * AliasForward mailet's bounce (a recipient that got past RCPT, e.g. an alias changed in between) states the same.
 */
public final class AliasReply {
    /** {@code disabled="reject"}. */
    public static final AliasReply DISABLED = new AliasReply("550", "5.2.1", "this address is disabled");
    /** Aliases pointing back at each other, or nested deeper than the limit; the chain is logged, not told. */
    public static final AliasReply LOOP = new AliasReply("550", "5.4.6", "alias routing loop detected");
    /** One alias expands to more targets than one message may have. */
    public static final AliasReply TOO_MANY_TARGETS = new AliasReply("550", "5.5.3", "too many recipients after alias expansion");
    /** Earlier recipients of the same transaction used up the targets of one message: the client sends the rest later. */
    public static final AliasReply TRANSACTION_FULL = new AliasReply("452", "4.5.3", "Too many recipients for one message; send the rest separately");
    /**
     * A bounce (null reverse-path) to a second of our SRS addresses in one transaction: a real bounce returns one
     * message to one sender, so this is backscatter or a forgery (Haraka's single_recipient check).
     */
    public static final AliasReply BOUNCE_TO_SEVERAL_SRS = new AliasReply("550", "5.7.1",
        "a bounce returns to one address; this one names several of our return (SRS or VERP) addresses, refused as backscatter");
    /** The check itself failed (store outage): the sender retries, nothing is accepted blindly. */
    public static final AliasReply CHECK_FAILED = new AliasReply("451", "4.3.0", "Temporary failure checking");

    private final String code;
    private final String enhancedStatus;
    private final String text;

    private AliasReply(String code, String enhancedStatus, String text) {
        this.code = Objects.requireNonNull(code);
        this.enhancedStatus = Objects.requireNonNull(enhancedStatus);
        this.text = Objects.requireNonNull(text);
    }

    /** A refused address of our SRS domain (bad hash, too old): {@code 550 5.1.1} with the reason. */
    public static AliasReply srsRefused(String reason) {
        return new AliasReply("550", "5.1.1", reason);
    }

    /** The message already passed this alias (its Delivered-To header). */
    public static AliasReply alreadyForwardedBy(String alias) {
        return new AliasReply("550", "5.4.6", "mail loop detected, this message was already forwarded by " + alias + " (Delivered-To)");
    }

    /** Too many Received headers: a loop outside our aliases. */
    public static AliasReply tooManyHops(int hops) {
        return new AliasReply("550", "5.4.6", "mail loop suspected, " + hops + " Received headers");
    }

    /** The reply for an outcome that refuses the recipient; empty for the outcomes that accept it. */
    public static Optional<AliasReply> of(Resolution.Outcome outcome) {
        switch (outcome) {
            case DISABLED_REJECT:
                return Optional.of(DISABLED);
            case LOOP:
            case TOO_DEEP:
                return Optional.of(LOOP);
            case TOO_MANY_TARGETS:
                return Optional.of(TOO_MANY_TARGETS);
            default:
                return Optional.empty();
        }
    }

    /** The SMTP reply code ({@code 550}). */
    public String code() {
        return code;
    }

    /** The RFC 3463 enhanced status code ({@code 5.2.1}). */
    public String enhancedStatus() {
        return enhancedStatus;
    }

    public String text() {
        return text;
    }

    public boolean permanent() {
        return code.startsWith("5");
    }

    /** The SMTP reply text after the code, at RCPT: {@code 5.2.1 <old@example.com>: this address is disabled}. */
    public String rcptDescription(String recipient) {
        return enhancedStatus + " <" + recipient + ">: " + text;
    }

    /** The reply text without a recipient: {@code 4.5.3 Too many recipients ...}. */
    public String description() {
        return enhancedStatus + " " + text;
    }

    /** The reason a bounce (DSN) states: {@code 550 5.2.1 old@example.com: this address is disabled}. */
    public String bounceReason(String recipient) {
        return code + " " + enhancedStatus + " " + recipient + ": " + text;
    }

    @Override
    public String toString() {
        return code + " " + description();
    }
}
