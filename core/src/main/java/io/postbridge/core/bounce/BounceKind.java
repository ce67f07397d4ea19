package io.postbridge.core.bounce;

/** What an inbound message is, seen from the bounce handler. Only {@link #BOUNCE} feeds the suppression list
 * as a failure; {@link #COMPLAINT} suppresses with reason complaint; the others change nothing. */
public enum BounceKind {
    /** A delivery report (RFC 3464 or an MTA's own text) naming failed or delayed recipients. */
    BOUNCE("bounce"),
    /** An abuse report in ARF (RFC 5965): a recipient marked our mail as spam. */
    COMPLAINT("complaint"),
    /** A vacation or other automatic reply (RFC 3834): not a failure. */
    AUTO_REPLY("auto-reply"),
    /** A report that only says the message was delivered or relayed. */
    DELIVERED("delivered"),
    /** Ordinary mail, or a report the parser could not read a recipient from. */
    NOT_A_BOUNCE("not-a-bounce");

    private final String wireName;

    BounceKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
