package io.postbridge.core.alias;

/**
 * What the mail server itself knows about local addresses (James's domain list and users). Implementations may
 * throw an unchecked exception when the lookup fails; callers answer with a temporary failure.
 */
public interface LocalMailboxes {
    boolean isLocalDomain(String domain);

    /** An address James delivers to without any alias: a user (or one of James's own mappings). */
    boolean isLocalUser(String address);
}
