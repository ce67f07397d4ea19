package io.postbridge.core.alias;

import java.util.List;
import java.util.Optional;

/** What an alias lookup decided for one recipient. */
public final class Resolution {
    public enum Outcome {
        /** Not an alias: James handles the recipient as usual. */
        NOT_ALIAS,
        /** Forward to {@link #targets()} (possibly none, when every nested alias was disabled). */
        FORWARD,
        /** Disabled alias whose mail is refused. */
        DISABLED_REJECT,
        /** Disabled alias whose mail is accepted and discarded. */
        DISABLED_DROP,
        /** The aliases point back at each other. */
        LOOP,
        /** Aliases of aliases nested deeper than the limit. */
        TOO_DEEP,
        /** The expansion reached more targets than one message may have. */
        TOO_MANY_TARGETS;

        public boolean isFailure() {
            return this == LOOP || this == TOO_DEEP || this == TOO_MANY_TARGETS;
        }
    }

    /** A final address mail is forwarded to; local ones are delivered by this server. */
    public static final class Target {
        private final String address;
        private final boolean local;

        Target(String address, boolean local) {
            this.address = address;
            this.local = local;
        }

        public String address() {
            return address;
        }

        public boolean isLocal() {
            return local;
        }

        @Override
        public String toString() {
            return address + (local ? " (local)" : "");
        }
    }

    private final Outcome outcome;
    private final String recipient;
    private final Optional<AliasCatalog.Entry> alias;
    private final String aliasAddress;
    private final List<Target> targets;
    private final String detail;

    Resolution(Outcome outcome, String recipient, Optional<AliasCatalog.Entry> alias, String aliasAddress,
               List<Target> targets, String detail) {
        this.outcome = outcome;
        this.recipient = recipient;
        this.alias = alias;
        this.aliasAddress = aliasAddress;
        this.targets = List.copyOf(targets);
        this.detail = detail;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The recipient as it was looked up. */
    public String recipient() {
        return recipient;
    }

    /** The alias that matched the recipient (absent for {@link Outcome#NOT_ALIAS}). */
    public Optional<AliasCatalog.Entry> alias() {
        return alias;
    }

    /**
     * The address the alias answered for, lower case and without a {@code +tag} ({@code sales@example.com} for
     * {@code Sales+news@example.com}); what a forwarded copy's Delivered-To names. Empty for NOT_ALIAS.
     */
    public String aliasAddress() {
        return aliasAddress;
    }

    public List<Target> targets() {
        return targets;
    }

    /** Human explanation, e.g. the loop {@code a@x -> b@x -> a@x}. */
    public String detail() {
        return detail;
    }

    @Override
    public String toString() {
        return outcome + " " + recipient + " " + targets + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
