package io.postbridge.core.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.rotation.DkimKeyRepository;
import io.postbridge.core.dkim.rotation.ManagedDkimKey;
import io.postbridge.core.secrets.SecretCipher;
import io.postbridge.core.secrets.SecretVault;

/**
 * Managed DKIM keys in the store: the metadata in {@code pb_dkim_key}, the private key sealed by the
 * {@link SecretVault} in {@code pb_secret} (scope {@value #SECRET_SCOPE}), so it is encrypted at rest and master-key
 * rotation re-encrypts it with every other secret.
 *
 * <p>Atomicity: a key row and its secret are written, and deleted, in <b>one transaction</b>, and the row refers to
 * its secret through a NOT NULL foreign key. After a crash there is either both or neither: never a key row the
 * signer would pick up without its private key, nor one paired with another key's secret. (The alternative, two
 * separate writes in a careful order, would still leave a window in which a replaced key's row and secret disagree.)
 */
public final class JdbcDkimKeyRepository implements DkimKeyRepository {
    /** The pb_secret scope of DKIM private keys; the name is {@code <domain>/<selector>}. */
    public static final String SECRET_SCOPE = "dkim";
    private static final int MAX_SECRET_NAME = 128;
    private static final int MAX_DNS_PROBLEM = 2000;
    private static final String COLUMNS = "k.domain, k.selector, k.algorithm, k.public_key, k.created_at, k.activate_at, "
        + "k.retired_at, k.require_dns_match, k.dns_confirmed_at, k.dns_checked_at, k.dns_problem, s.scope, s.name";
    private static final String FROM = " FROM pb_dkim_key k JOIN pb_secret s ON s.id = k.secret_id";

    private final Jdbc jdbc;
    private final SecretVault vault;
    private final Clock clock;

    public JdbcDkimKeyRepository(Jdbc jdbc, SecretVault vault, Clock clock) {
        this.jdbc = Objects.requireNonNull(jdbc);
        this.vault = Objects.requireNonNull(vault);
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public void save(ManagedDkimKey key) throws IOException {
        String name = secretName(key.domain(), key.selector());
        long now = clock.millis();
        store(() -> jdbc.inTransaction(tx -> {
            // the secret first, through a vault bound to this transaction: same commit as the row below
            vault.using(new JdbcSecretRepository(tx, clock))
                .put(SECRET_SCOPE, name, Optional.empty(), Base64.getEncoder().encodeToString(key.privateKeyPkcs8()));
            long secretId = tx.queryOne("SELECT id FROM pb_secret WHERE scope = ? AND name = ?", row -> row.getLong("id"),
                SECRET_SCOPE, name).orElseThrow(() -> new StoreException("the secret of DKIM key " + key + " vanished"));
            Object[] values = {key.algorithm().tagValue(), key.publicKey(), secretId, key.createdAt().toEpochMilli(),
                millis(key.activateAt()), millis(key.retiredAt()), key.requireDnsMatch(), millis(key.dnsConfirmedAt()),
                millis(key.dnsCheckedAt()), Jdbc.nullable(key.dnsProblem().map(JdbcDkimKeyRepository::clip)), now,
                key.domain(), key.selector()};
            int updated = tx.update("UPDATE pb_dkim_key SET algorithm = ?, public_key = ?, secret_id = ?, created_at = ?, "
                + "activate_at = ?, retired_at = ?, require_dns_match = ?, dns_confirmed_at = ?, dns_checked_at = ?, "
                + "dns_problem = ?, updated_at = ? WHERE domain = ? AND selector = ?", values);
            if (updated == 0) {
                tx.update("INSERT INTO pb_dkim_key (algorithm, public_key, secret_id, created_at, activate_at, retired_at, "
                    + "require_dns_match, dns_confirmed_at, dns_checked_at, dns_problem, updated_at, domain, selector) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values);
            }
            return null;
        }));
    }

    @Override
    public Optional<ManagedDkimKey> find(String domain, String selector) throws IOException {
        List<ManagedDkimKey> keys = read(" WHERE k.domain = ? AND k.selector = ?", domain, selector);
        return keys.stream().findFirst();
    }

    @Override
    public List<ManagedDkimKey> listByDomain(String domain) throws IOException {
        return read(" WHERE k.domain = ? ORDER BY k.selector", domain);
    }

    @Override
    public List<String> domains() throws IOException {
        return store(() -> jdbc.query("SELECT DISTINCT domain FROM pb_dkim_key ORDER BY domain", row -> row.getString("domain")));
    }

    @Override
    public boolean delete(String domain, String selector) throws IOException {
        return store(() -> jdbc.inTransaction(tx -> {
            Optional<Long> secretId = tx.queryOne("SELECT secret_id FROM pb_dkim_key WHERE domain = ? AND selector = ?",
                row -> row.getLong("secret_id"), domain, selector);
            if (secretId.isEmpty()) {
                return false;
            }
            // the row first: the foreign key forbids removing a secret a key still refers to
            tx.update("DELETE FROM pb_dkim_key WHERE domain = ? AND selector = ?", domain, selector);
            tx.update("DELETE FROM pb_secret WHERE id = ?", secretId.get());
            return true;
        }));
    }

    /** The rows, then each one's private key from the secret its row refers to. */
    private List<ManagedDkimKey> read(String where, Object... parameters) throws IOException {
        List<StoredRow> rows = store(() -> jdbc.query("SELECT " + COLUMNS + FROM + where, StoredRow::new, parameters));
        List<ManagedDkimKey> keys = new ArrayList<>(rows.size());
        for (StoredRow row : rows) {
            keys.add(row.withPrivateKey(privateKey(row)));
        }
        return keys;
    }

    private byte[] privateKey(StoredRow row) throws IOException {
        String what = "DKIM key " + row.domain + "/" + row.selector;
        try {
            String sealed = store(() -> vault.get(row.secretScope, row.secretName))
                .orElseThrow(() -> new IOException(what + ": its private key is missing from pb_secret"));
            return Base64.getDecoder().decode(sealed);
        } catch (SecretCipher.SecretUnreadable e) {
            // e.g. the master key that encrypted it is not in the key ring; the message holds no key material
            throw new IOException(what + ": the private key cannot be decrypted: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(what + ": the stored private key is not base64", e);
        }
    }

    /**
     * {@code domain/selector}, or its SHA-256 when that does not fit the secret's name column (domains and selectors
     * may be up to 253 characters each).
     */
    static String secretName(String domain, String selector) {
        String name = domain + "/" + selector;
        if (name.length() <= MAX_SECRET_NAME) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("sha256:");
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static Object millis(Optional<Instant> instant) {
        return Jdbc.nullableLong(instant.map(Instant::toEpochMilli));
    }

    private static String clip(String text) {
        return text.length() <= MAX_DNS_PROBLEM ? text : text.substring(0, MAX_DNS_PROBLEM - 3) + "...";
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        return Jdbc.optionalLong(row, column).map(Instant::ofEpochMilli);
    }

    private interface StoreWork<T> {
        T run() throws IOException;
    }

    /** The repository interface speaks IOException: a database failure is one. */
    private static <T> T store(StoreWork<T> work) throws IOException {
        try {
            return work.run();
        } catch (StoreException e) {
            throw new IOException("DKIM key store: " + e.getMessage(), e);
        }
    }

    /** One pb_dkim_key row, before its private key is decrypted. */
    private static final class StoredRow {
        final String domain;
        final String selector;
        final DkimAlgorithm algorithm;
        final String publicKey;
        final Instant createdAt;
        final Optional<Instant> activateAt;
        final Optional<Instant> retiredAt;
        final boolean requireDnsMatch;
        final Optional<Instant> dnsConfirmedAt;
        final Optional<Instant> dnsCheckedAt;
        final Optional<String> dnsProblem;
        final String secretScope;
        final String secretName;

        StoredRow(ResultSet row) throws SQLException {
            this.domain = row.getString("domain");
            this.selector = row.getString("selector");
            try {
                this.algorithm = DkimAlgorithm.parse(row.getString("algorithm"));
            } catch (IllegalArgumentException e) {
                throw new SQLException("pb_dkim_key " + domain + "/" + selector + ": " + e.getMessage(), e);
            }
            this.publicKey = row.getString("public_key");
            this.createdAt = Instant.ofEpochMilli(row.getLong("created_at"));
            this.activateAt = instant(row, "activate_at");
            this.retiredAt = instant(row, "retired_at");
            this.requireDnsMatch = row.getBoolean("require_dns_match");
            this.dnsConfirmedAt = instant(row, "dns_confirmed_at");
            this.dnsCheckedAt = instant(row, "dns_checked_at");
            this.dnsProblem = Optional.ofNullable(row.getString("dns_problem"));
            this.secretScope = row.getString("scope");
            this.secretName = row.getString("name");
        }

        ManagedDkimKey withPrivateKey(byte[] pkcs8) {
            return new ManagedDkimKey(domain, selector, algorithm, pkcs8, publicKey, createdAt, activateAt, retiredAt,
                requireDnsMatch, dnsConfirmedAt, dnsCheckedAt, dnsProblem);
        }
    }
}
