package io.postbridge.core.secrets;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stores and reads secrets encrypted at rest. Secrets of an account use the scope {@code account/<id>/<purpose>}
 * and are deleted with the account.
 */
public final class SecretVault {
    private final SecretRepository repository;
    private final SecretCipher cipher;

    public SecretVault(SecretRepository repository, SecretCipher cipher) {
        this.repository = Objects.requireNonNull(repository);
        this.cipher = Objects.requireNonNull(cipher);
    }

    public static String accountScope(long accountId, String purpose) {
        return "account/" + accountId + "/" + purpose;
    }

    /**
     * The same cipher over another repository, typically one bound to the caller's transaction: a secret and the
     * row that refers to it then commit (or roll back) together.
     */
    public SecretVault using(SecretRepository other) {
        return new SecretVault(other, cipher);
    }

    public void put(String scope, String name, Optional<Long> accountId, String plaintext) {
        String ciphertext = cipher.encrypt(plaintext, StoredSecret.context(scope, name));
        repository.put(scope, name, accountId, SecretCipher.keyIdOf(ciphertext), ciphertext);
    }

    /**
     * Stores the secret unless one is there already (an atomic insert: the unique scope and name decide between
     * concurrent callers, on any node) and returns the one that is stored now.
     */
    public String putIfAbsent(String scope, String name, Optional<Long> accountId, String plaintext) {
        String ciphertext = cipher.encrypt(plaintext, StoredSecret.context(scope, name));
        if (repository.insertIfAbsent(scope, name, accountId, SecretCipher.keyIdOf(ciphertext), ciphertext)) {
            return plaintext;
        }
        return get(scope, name).orElseThrow(() -> new IllegalStateException("the secret " + scope + "/" + name
            + " was stored by another node and deleted again; try again"));
    }

    public Optional<String> get(String scope, String name) {
        return repository.find(scope, name).map(secret -> cipher.decrypt(secret.ciphertext(), StoredSecret.context(scope, name)));
    }

    /** The names of the secrets in a scope: what the API may show instead of the values. */
    public List<String> names(String scope) {
        return repository.listScope(scope).stream().map(StoredSecret::name).sorted().collect(Collectors.toList());
    }

    public boolean delete(String scope, String name) {
        return repository.delete(scope, name);
    }

    public int deleteScope(String scope) {
        return repository.deleteScope(scope);
    }

    SecretRepository repository() {
        return repository;
    }

    SecretCipher cipher() {
        return cipher;
    }
}
