package io.postbridge.core.secrets;

import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the master key: a new key becomes current, then every stored secret is decrypted with its old key and
 * encrypted again with the new one. Safe to run while the server works: a secret written meanwhile already uses
 * the new key, and a row changed between read and write is left to its writer.
 */
public final class MasterKeyRotation {
    private static final Logger LOGGER = LoggerFactory.getLogger(MasterKeyRotation.class);
    private static final int BATCH = 200;

    private final MasterKeys keys;
    private final SecretVault vault;

    public MasterKeyRotation(MasterKeys keys, SecretVault vault) {
        this.keys = Objects.requireNonNull(keys);
        this.vault = Objects.requireNonNull(vault);
    }

    /** Adds a new key to the key file and re-encrypts everything with it. */
    public Result rotate() {
        if (!keys.source().writable()) {
            throw new NotWritable("the master keys come from the " + keys.source().describe()
                + ": add a new last key there on every node, restart, then re-encrypt (POST /postbridge/master-key/reencrypt)");
        }
        String previous = keys.current().id();
        MasterKey added = keys.addNewKey();
        LOGGER.warn("Postbridge: new master key '{}' added to {} (previous current key '{}'); back the key file up again",
            added.id(), keys.source().describe(), previous);
        return reencrypt();
    }

    /** Re-encrypts every secret that is not under the current key yet. */
    public Result reencrypt() {
        String current = keys.current().id();
        SecretRepository repository = vault.repository();
        SecretCipher cipher = vault.cipher();
        int reencrypted = 0;
        while (true) {
            List<StoredSecret> batch = repository.notEncryptedWith(current, BATCH);
            if (batch.isEmpty()) {
                break;
            }
            int replaced = 0;
            for (StoredSecret secret : batch) {
                String context = StoredSecret.context(secret.scope(), secret.name());
                String plaintext;
                try {
                    plaintext = cipher.decrypt(secret.ciphertext(), context);
                } catch (SecretCipher.SecretUnreadable e) {
                    throw new SecretCipher.SecretUnreadable("secret " + secret.scope() + "/" + secret.name()
                        + ": " + e.getMessage() + "; " + reencrypted + " secret(s) were re-encrypted before this one");
                }
                String ciphertext = cipher.encrypt(plaintext, context);
                if (!SecretCipher.keyIdOf(ciphertext).equals(current)) {
                    // another rotation made a newer key current meanwhile: let that one finish the job
                    return new Result(SecretCipher.keyIdOf(ciphertext), reencrypted, repository.count());
                }
                if (repository.replaceCiphertext(secret.id(), secret.ciphertext(), current, ciphertext)) {
                    reencrypted++;
                    replaced++;
                }
            }
            if (replaced == 0) {
                // every row of the batch changed under us (written by a node with an older ring?): stop, report
                LOGGER.warn("Postbridge: {} secret(s) changed during re-encryption; run it again", batch.size());
                break;
            }
        }
        LOGGER.info("Postbridge: re-encrypted {} secret(s) with master key '{}'", reencrypted, current);
        return new Result(current, reencrypted, repository.count());
    }

    public static final class Result {
        private final String currentKeyId;
        private final int reencrypted;
        private final long total;

        public Result(String currentKeyId, int reencrypted, long total) {
            this.currentKeyId = currentKeyId;
            this.reencrypted = reencrypted;
            this.total = total;
        }

        public String currentKeyId() {
            return currentKeyId;
        }

        public int reencrypted() {
            return reencrypted;
        }

        public long total() {
            return total;
        }
    }

    public static final class NotWritable extends RuntimeException {
        public NotWritable(String message) {
            super(message);
        }
    }
}
