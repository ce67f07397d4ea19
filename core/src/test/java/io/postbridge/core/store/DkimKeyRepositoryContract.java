package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimCorpus;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimPrivateKeyReader;
import io.postbridge.core.dkim.DkimSigner;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.core.dkim.keys.KeyLookup;
import io.postbridge.core.dkim.rotation.DkimKeyRepository;
import io.postbridge.core.dkim.rotation.DkimKeyStatus;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.dkim.rotation.ManagedDkimKey;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import io.postbridge.core.secrets.MasterKeyRotation;

/**
 * What the store must do with managed DKIM keys, on the embedded H2 file database and on PostgreSQL (the
 * subclasses): keep every field, keep the private key encrypted (pb_secret), keep row and secret together, and let
 * master-key rotation re-encrypt the key without breaking its signatures.
 */
public abstract class DkimKeyRepositoryContract extends BackendContract {
    protected DkimKeyRepositoryContract(Store store) {
        super(store);
    }

    private static final String DOMAIN = "example.com";
    private static DkimPrivateKey rsa;
    private static DkimPrivateKey ed25519;

    @TempDir
    static Path verifierDir;

    @BeforeAll
    static void generateKeys() throws Exception {
        DkimKeyGenerator generator = new DkimKeyGenerator();
        rsa = generator.generate(DkimAlgorithm.RSA_SHA256);
        ed25519 = generator.generate(DkimAlgorithm.ED25519_SHA256);
    }

    private DkimKeyRepository keys() {
        return backend.dkimKeys();
    }

    private Jdbc jdbc() {
        return new Jdbc(backend.database().dataSource());
    }

    /** A key with every optional field set (millisecond instants: the store keeps epoch milliseconds). */
    private static ManagedDkimKey key(String selector, DkimPrivateKey privateKey) {
        return new ManagedDkimKey(DOMAIN, selector, privateKey.algorithm(), privateKey.pkcs8(), privateKey.publicKeyBase64(),
            Instant.parse("2026-11-20T08:00:00.123Z"), Optional.of(Instant.parse("2026-11-22T08:00:00.123Z")),
            Optional.of(Instant.parse("2026-12-01T00:00:00Z")), true, Optional.of(Instant.parse("2026-11-21T09:00:00Z")),
            Optional.of(Instant.parse("2026-11-21T09:10:00Z")), Optional.of("no TXT record at x yet"));
    }

    private long dkimSecrets() {
        return jdbc().queryOne("SELECT COUNT(*) AS n FROM pb_secret WHERE scope = ?", row -> row.getLong("n"),
            JdbcDkimKeyRepository.SECRET_SCOPE).orElse(0L);
    }

    @Test
    void everyFieldAndThePrivateKeySurviveARestart() throws Exception {
        ManagedDkimKey saved = key("rsa1", rsa);
        keys().save(saved);
        ManagedDkimKey minimal = new ManagedDkimKey(DOMAIN, "ed1", DkimAlgorithm.ED25519_SHA256, ed25519.pkcs8(),
            ed25519.publicKeyBase64(), Instant.parse("2026-11-20T08:00:00Z"), Optional.empty(), Optional.empty(), false,
            Optional.empty(), Optional.empty(), Optional.empty());
        keys().save(minimal);

        restart();

        ManagedDkimKey read = keys().find(DOMAIN, "rsa1").orElseThrow();
        assertThat(read.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(read.privateKeyPkcs8()).isEqualTo(rsa.pkcs8());
        assertThat(read.publicKey()).isEqualTo(rsa.publicKeyBase64());
        assertThat(read.createdAt()).isEqualTo(saved.createdAt());
        assertThat(read.activateAt()).isEqualTo(saved.activateAt());
        assertThat(read.retiredAt()).isEqualTo(saved.retiredAt());
        assertThat(read.requireDnsMatch()).isTrue();
        assertThat(read.dnsConfirmedAt()).isEqualTo(saved.dnsConfirmedAt());
        assertThat(read.dnsCheckedAt()).isEqualTo(saved.dnsCheckedAt());
        assertThat(read.dnsProblem()).contains("no TXT record at x yet");

        ManagedDkimKey readMinimal = keys().find(DOMAIN, "ed1").orElseThrow();
        assertThat(readMinimal.privateKeyPkcs8()).isEqualTo(ed25519.pkcs8());
        assertThat(readMinimal.activateAt()).isEmpty();
        assertThat(readMinimal.retiredAt()).isEmpty();
        assertThat(readMinimal.requireDnsMatch()).isFalse();
        assertThat(readMinimal.dnsProblem()).isEmpty();
        assertThat(DkimPrivateKeyReader.pkcs8(readMinimal.privateKeyPkcs8()).publicKeyBase64()).isEqualTo(ed25519.publicKeyBase64());
    }

    @Test
    void listsKeysByDomainInSelectorOrderAndTheDomainsThatHaveKeys() throws Exception {
        keys().save(key("b", ed25519));
        keys().save(key("a", rsa));
        keys().save(new ManagedDkimKey("example.org", "x", DkimAlgorithm.ED25519_SHA256, ed25519.pkcs8(),
            ed25519.publicKeyBase64(), clock.instant(), Optional.empty(), Optional.empty(), false, Optional.empty(),
            Optional.empty(), Optional.empty()));

        assertThat(keys().listByDomain(DOMAIN)).extracting(ManagedDkimKey::selector).containsExactly("a", "b");
        assertThat(keys().listByDomain("example.net")).isEmpty();
        assertThat(keys().domains()).containsExactly("example.com", "example.org");
        assertThat(keys().find(DOMAIN, "nope")).isEmpty();
    }

    @Test
    void aDomainTooLongForTheSecretsNameColumnIsStoredUnderAHashedName() throws Exception {
        String longDomain = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".example";
        ManagedDkimKey key = new ManagedDkimKey(longDomain, "s1", DkimAlgorithm.ED25519_SHA256, ed25519.pkcs8(),
            ed25519.publicKeyBase64(), clock.instant(), Optional.empty(), Optional.empty(), false, Optional.empty(),
            Optional.empty(), Optional.empty());

        keys().save(key);

        assertThat(keys().find(longDomain, "s1").orElseThrow().privateKeyPkcs8()).isEqualTo(ed25519.pkcs8());
        assertThat(jdbc().query("SELECT name FROM pb_secret WHERE scope = ?", row -> row.getString("name"),
            JdbcDkimKeyRepository.SECRET_SCOPE)).singleElement().asString().startsWith("sha256:").hasSize(71);
        assertThat(keys().delete(longDomain, "s1")).isTrue();
        assertThat(dkimSecrets()).isZero();
    }

    @Test
    void savingAgainReplacesTheKeyAndItsSecretInPlace() throws Exception {
        keys().save(key("s1", rsa));
        ManagedDkimKey retired = keys().find(DOMAIN, "s1").orElseThrow().withRetiredAt(Instant.parse("2026-11-21T11:00:00Z"));
        keys().save(retired);
        assertThat(keys().find(DOMAIN, "s1").orElseThrow().retiredAt()).contains(Instant.parse("2026-11-21T11:00:00Z"));

        // the same selector now holding another key (deleted and generated again elsewhere): row and secret follow
        keys().save(key("s1", ed25519));

        ManagedDkimKey read = keys().find(DOMAIN, "s1").orElseThrow();
        assertThat(read.algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(read.privateKeyPkcs8()).isEqualTo(ed25519.pkcs8());
        assertThat(read.publicKey()).isEqualTo(ed25519.publicKeyBase64());
        assertThat(keys().listByDomain(DOMAIN)).hasSize(1);
        assertThat(dkimSecrets()).as("no orphan secret").isEqualTo(1);
    }

    @Test
    void deletingAKeyDeletesItsSecret() throws Exception {
        keys().save(key("s1", rsa));
        keys().save(key("s2", ed25519));
        assertThat(dkimSecrets()).isEqualTo(2);

        assertThat(keys().delete(DOMAIN, "s1")).isTrue();
        assertThat(keys().delete(DOMAIN, "s1")).isFalse();

        assertThat(keys().find(DOMAIN, "s1")).isEmpty();
        assertThat(keys().find(DOMAIN, "s2")).isPresent();
        assertThat(dkimSecrets()).isEqualTo(1);
        assertThat(keys().delete(DOMAIN, "s2")).isTrue();
        assertThat(keys().domains()).isEmpty();
        assertThat(dkimSecrets()).isZero();
    }

    @Test
    void aSaveThatFailsHalfwayLeavesNeitherTheSecretNorTheRow() {
        // the secret is written first; the row then fails (public key longer than its column): both roll back
        ManagedDkimKey tooLong = new ManagedDkimKey(DOMAIN, "broken", DkimAlgorithm.RSA_SHA256, rsa.pkcs8(), "A".repeat(5000),
            clock.instant(), Optional.of(clock.instant()), Optional.empty(), false, Optional.empty(), Optional.empty(),
            Optional.empty());

        assertThatThrownBy(() -> keys().save(tooLong)).isInstanceOf(IOException.class).hasMessageStartingWith("DKIM key store:");

        assertThat(dkimSecrets()).isZero();
        assertThat(jdbc().queryOne("SELECT COUNT(*) AS n FROM pb_dkim_key", row -> row.getLong("n"))).contains(0L);
    }

    @Test
    void theDatabaseItselfRefusesAKeyRowWithoutItsSecret() throws Exception {
        assertThatThrownBy(() -> jdbc().update("INSERT INTO pb_dkim_key (domain, selector, algorithm, public_key, secret_id, "
            + "created_at, require_dns_match, updated_at) VALUES ('example.com', 'orphan', 'rsa-sha256', 'p', 987654, 0, FALSE, 0)"))
            .isInstanceOf(StoreException.class);

        keys().save(key("s1", rsa));
        assertThatThrownBy(() -> jdbc().update("DELETE FROM pb_secret WHERE scope = ?", JdbcDkimKeyRepository.SECRET_SCOPE))
            .as("a secret a key refers to cannot go").isInstanceOf(StoreException.class);
        assertThat(keys().find(DOMAIN, "s1")).isPresent();
    }

    @Test
    void thePrivateKeyIsNotStoredInPlaintext() throws Exception {
        keys().save(key("rsa1", rsa));
        keys().save(key("ed1", ed25519));

        byte[] stored = storedBytes("pb_dkim_key", "pb_secret");

        assertThat(contains(stored, rsa.publicKeyBase64().getBytes(StandardCharsets.US_ASCII)))
            .as("the search sees what is stored (the public key is)").isTrue();
        for (DkimPrivateKey key : List.of(rsa, ed25519)) {
            String base64 = Base64.getEncoder().encodeToString(key.pkcs8());
            assertThat(contains(stored, key.pkcs8())).as(key.algorithm() + " DER").isFalse();
            assertThat(contains(stored, base64.getBytes(StandardCharsets.US_ASCII))).as(key.algorithm() + " base64").isFalse();
            for (String line : pemBodyLines(key)) {
                assertThat(contains(stored, line.getBytes(StandardCharsets.US_ASCII))).as(key.algorithm() + " PEM line " + line).isFalse();
            }
        }
        List<String> ciphertexts = jdbc().query("SELECT ciphertext FROM pb_secret WHERE scope = ?", row -> row.getString("ciphertext"),
            JdbcDkimKeyRepository.SECRET_SCOPE);
        assertThat(ciphertexts).hasSize(2).allMatch(c -> c.startsWith("pb1:" + backend.masterKeys().current().id() + ":"));
    }

    @Test
    void masterKeyRotationReencryptsTheDkimKeysAndTheyStillSign() throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        ManagedDkimKeys managed = managedKeys();
        List<DkimKeyStatus> generated = managed.rotate(DOMAIN, 2048, Optional.of(Duration.ZERO), false);
        String oldKeyId = backend.masterKeys().current().id();

        MasterKeyRotation.Result result = backend.rotation().rotate();

        assertThat(result.currentKeyId()).isNotEqualTo(oldKeyId);
        assertThat(result.reencrypted()).isGreaterThanOrEqualTo(2);
        assertThat(jdbc().query("SELECT key_id FROM pb_secret WHERE scope = ?", row -> row.getString("key_id"),
            JdbcDkimKeyRepository.SECRET_SCOPE)).containsExactly(result.currentKeyId(), result.currentKeyId());

        restart(); // a restart: nothing cached, the keys come from the re-encrypted rows
        KeyLookup lookup = managedKeys().lookup(DOMAIN);
        assertThat(lookup.outcome()).isEqualTo(KeyLookup.Outcome.FOUND);
        assertThat(lookup.keys()).hasSize(2);

        byte[] signed = DkimSigner.withDefaults(java.time.Clock.systemUTC()).sign(DkimCorpus.read("01-plain-ascii-crlf.eml"), lookup.keys());
        Path keyFile = Files.write(verifierDir.resolve("keys-" + System.nanoTime() + ".txt"), generated.stream()
            .map(status -> status.key().dnsRecord().keyFileLine()).collect(Collectors.toList()));
        ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(keyFile, signed, verifierDir);
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        for (DkimSigningKey key : lookup.keys()) {
            assertThat(verdict.output).contains("s=" + key.selector() + " a=" + key.algorithm().tagValue() + " result=pass");
        }
    }

    @Test
    void aSecretMovedToAnotherKeyDoesNotDecryptAndTheErrorNamesTheKey() throws Exception {
        keys().save(key("s1", rsa));
        keys().save(key("s2", ed25519));
        String ofS2 = jdbc().queryOne("SELECT ciphertext FROM pb_secret WHERE scope = ? AND name = ?", row -> row.getString("ciphertext"),
            JdbcDkimKeyRepository.SECRET_SCOPE, DOMAIN + "/s2").orElseThrow();
        jdbc().update("UPDATE pb_secret SET ciphertext = ? WHERE scope = ? AND name = ?", ofS2, JdbcDkimKeyRepository.SECRET_SCOPE,
            DOMAIN + "/s1");

        assertThatThrownBy(() -> keys().find(DOMAIN, "s1")).isInstanceOf(IOException.class)
            .hasMessageContaining("DKIM key example.com/s1: the private key cannot be decrypted")
            .hasMessageNotContaining(ofS2);
        assertThat(keys().find(DOMAIN, "s2").orElseThrow().privateKeyPkcs8()).isEqualTo(ed25519.pkcs8());
    }

    private ManagedDkimKeys managedKeys() {
        return new ManagedDkimKeys(keys(), new DkimKeyGenerator(), name -> List.of(), Runnable::run,
            DkimRotationSettings.defaults(), clock);
    }

    private static List<String> pemBodyLines(DkimPrivateKey key) {
        // only full 64-character lines: a short last line could occur anywhere by chance
        return DkimPrivateKeyReader.toPem(key).lines().filter(line -> !line.startsWith("-----") && line.length() == 64)
            .collect(Collectors.toList());
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
