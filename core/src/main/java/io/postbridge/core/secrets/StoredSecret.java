package io.postbridge.core.secrets;

import java.util.Objects;
import java.util.Optional;

/** One row of the secret table: an encrypted value, never the plaintext. */
public final class StoredSecret {
    private final long id;
    private final String scope;
    private final String name;
    private final Optional<Long> accountId;
    private final String keyId;
    private final String ciphertext;

    public StoredSecret(long id, String scope, String name, Optional<Long> accountId, String keyId, String ciphertext) {
        this.id = id;
        this.scope = Objects.requireNonNull(scope);
        this.name = Objects.requireNonNull(name);
        this.accountId = Objects.requireNonNull(accountId);
        this.keyId = Objects.requireNonNull(keyId);
        this.ciphertext = Objects.requireNonNull(ciphertext);
    }

    public long id() {
        return id;
    }

    public String scope() {
        return scope;
    }

    public String name() {
        return name;
    }

    public Optional<Long> accountId() {
        return accountId;
    }

    public String keyId() {
        return keyId;
    }

    public String ciphertext() {
        return ciphertext;
    }

    /** The associated data bound into the ciphertext: which row it belongs to. */
    static String context(String scope, String name) {
        return scope + "\u0000" + name;
    }

    @Override
    public String toString() {
        return "StoredSecret{" + scope + "/" + name + ", key " + keyId + "}";
    }
}
