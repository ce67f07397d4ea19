package io.postbridge.core.secrets;

/** Where the master keys come from: a file next to the configuration, or an environment variable. */
public interface MasterKeySource {
    MasterKeyRing load();

    /** Whether {@link #append} can persist a new key (a file can, an environment variable cannot). */
    boolean writable();

    /** Persists {@code key} as the new current key and returns the new ring. */
    MasterKeyRing append(MasterKey key);

    /** For messages: "file /opt/postbridge/conf/..." or "environment variable POSTBRIDGE_MASTER_KEYS". */
    String describe();
}
