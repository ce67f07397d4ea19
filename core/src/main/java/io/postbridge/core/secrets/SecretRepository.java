package io.postbridge.core.secrets;

import java.util.List;
import java.util.Optional;

/** Encrypted secrets, addressed by (scope, name). Knows nothing about keys or plaintext. */
public interface SecretRepository {
    /** Inserts or replaces the secret (scope, name). */
    void put(String scope, String name, Optional<Long> accountId, String keyId, String ciphertext);

    /** Inserts the secret only if (scope, name) is free; false when another caller stored it first. */
    boolean insertIfAbsent(String scope, String name, Optional<Long> accountId, String keyId, String ciphertext);

    Optional<StoredSecret> find(String scope, String name);

    List<StoredSecret> listScope(String scope);

    boolean delete(String scope, String name);

    int deleteScope(String scope);

    /** Up to {@code limit} secrets not encrypted with {@code keyId}, for rotation. */
    List<StoredSecret> notEncryptedWith(String keyId, int limit);

    /** Replaces the ciphertext only if the row still holds {@code expectedCiphertext} (a concurrent write wins). */
    boolean replaceCiphertext(long id, String expectedCiphertext, String keyId, String ciphertext);

    long count();

    /** The master key ids the stored secrets use. */
    java.util.Set<String> keyIdsInUse();
}
