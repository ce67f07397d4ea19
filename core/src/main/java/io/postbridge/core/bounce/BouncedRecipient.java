package io.postbridge.core.bounce;

import java.util.Optional;

/** One recipient a report names, with what happened to it. */
public final class BouncedRecipient {
    private final String address;
    private final String action;
    private final Optional<EnhancedStatus> status;
    private final Hardness hardness;
    private final BounceReason reason;
    private final String remoteReply;
    private final Optional<String> remoteMta;
    private final double confidence;

    public BouncedRecipient(String address, String action, Optional<EnhancedStatus> status, Hardness hardness,
                            BounceReason reason, String remoteReply, Optional<String> remoteMta, double confidence) {
        this.address = address;
        this.action = action;
        this.status = status;
        this.hardness = hardness;
        this.reason = reason;
        this.remoteReply = remoteReply;
        this.remoteMta = remoteMta;
        this.confidence = confidence;
    }

    /** The failed address, lower-cased domain, no angle brackets. */
    public String address() {
        return address;
    }

    /** failed, delayed, delivered, relayed or expanded (RFC 3464); "failed" when an MTA's text said so. */
    public String action() {
        return action;
    }

    public Optional<EnhancedStatus> status() {
        return status;
    }

    public Hardness hardness() {
        return hardness;
    }

    public BounceReason reason() {
        return reason;
    }

    /** What the remote server (or the reporting MTA) said, unfolded, at most a few hundred characters. */
    public String remoteReply() {
        return remoteReply;
    }

    public Optional<String> remoteMta() {
        return remoteMta;
    }

    /** 0..1: how sure the parser is of the reason (0.95 when the code and the text agree, 0.2 for a guess). */
    public double confidence() {
        return confidence;
    }

    @Override
    public String toString() {
        return address + " " + action + " " + status.map(EnhancedStatus::toString).orElse("-") + " " + hardness.wireName()
            + " " + reason.wireName();
    }
}
