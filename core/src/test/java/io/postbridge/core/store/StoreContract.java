package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.accounts.TrustedNetwork;
import io.postbridge.core.apikeys.ApiKeyRecord;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.ratelimit.RateLimiter;
import io.postbridge.core.ratelimit.RateWindow;
import io.postbridge.core.secrets.MasterKeyRotation;
import io.postbridge.core.secrets.SecretVault;

/**
 * The behaviour every Postbridge store must have. Runs against the embedded H2 file database and against
 * PostgreSQL (the subclasses), so both keep behaving the same.
 */
public abstract class StoreContract extends BackendContract {
    protected StoreContract(Store store) {
        super(store);
    }

    private Account account(String name) {
        return backend.accounts().create(name, clock.instant());
    }

    @Test
    void createsFindsListsUpdatesAndDeletesAccounts() {
        Account erp = account("erp");
        account("billing");

        assertThat(backend.accounts().findByName("erp")).contains(erp);
        assertThat(backend.accounts().findById(erp.id())).contains(erp);
        assertThat(backend.accounts().list()).extracting(Account::name).containsExactly("billing", "erp");
        assertThat(erp.enabled()).isTrue();

        Account changed = erp.withEnabled(false).withFromOverride(Optional.of("noreply@example.com")).withLimits(Optional.of(5), Optional.of(100));
        backend.accounts().update(changed);
        assertThat(backend.accounts().findByName("erp")).contains(changed);

        assertThat(backend.accounts().delete("erp")).isTrue();
        assertThat(backend.accounts().delete("erp")).isFalse();
        assertThat(backend.accounts().findByName("erp")).isEmpty();
    }

    @Test
    void refusesADuplicateAccountName() {
        account("erp");
        assertThatThrownBy(() -> account("erp")).isInstanceOf(AccountRepository.AccountAlreadyExists.class)
            .hasMessageContaining("'erp' already exists");
    }

    @Test
    void survivesARestartWithEverythingInPlace() {
        Account erp = account("erp");
        ApiKeys.IssuedApiKey key = backend.apiKeys().issue(erp.id());
        backend.senders().add(erp.id(), SenderPattern.parse("@example.com"));
        backend.secretVault().put(SecretVault.accountScope(erp.id(), "provider"), "clientSecret", Optional.of(erp.id()), "s3cr3t-value");

        restart();

        assertThat(backend.accounts().findByName("erp")).contains(erp);
        assertThat(backend.apiKeys().verify(key.token())).map(ApiKeyRecord::accountId).contains(erp.id());
        assertThat(backend.senders().list(erp.id())).containsExactly(SenderPattern.parse("@example.com"));
        assertThat(backend.secretVault().get(SecretVault.accountScope(erp.id(), "provider"), "clientSecret")).contains("s3cr3t-value");
    }

    @Test
    void apiKeysAreVerifiedRevokedAndRegenerated() {
        Account erp = account("erp");
        Account other = account("other");
        ApiKeys keys = backend.apiKeys();
        ApiKeys.IssuedApiKey first = keys.issue(erp.id());
        ApiKeys.IssuedApiKey second = keys.issue(erp.id());

        assertThat(first.token()).startsWith("pbk_" + first.keyId() + "_");
        assertThat(keys.verify(first.token())).map(ApiKeyRecord::accountId).contains(erp.id());
        assertThat(keys.verify(second.token())).map(ApiKeyRecord::accountId).contains(erp.id());
        // right key id, wrong secret
        assertThat(keys.verify(first.token().substring(0, first.token().length() - 1) + (first.token().endsWith("A") ? "B" : "A"))).isEmpty();
        assertThat(keys.verify("pbk_aaaaaaaaaaaaaaaa_" + "A".repeat(43))).isEmpty();
        assertThat(keys.verify("not a key")).isEmpty();

        assertThat(keys.revoke(other.id(), first.keyId())).as("another account cannot revoke it").isFalse();
        assertThat(keys.revoke(erp.id(), first.keyId())).isTrue();
        assertThat(keys.verify(first.token())).isEmpty();
        assertThat(keys.verify(second.token())).isPresent();

        ApiKeys.IssuedApiKey third = keys.regenerate(erp.id(), second.keyId()).orElseThrow();
        assertThat(keys.verify(second.token())).isEmpty();
        assertThat(keys.verify(third.token())).map(ApiKeyRecord::accountId).contains(erp.id());
        assertThat(keys.regenerate(erp.id(), second.keyId())).as("a revoked key cannot be regenerated").isEmpty();

        assertThat(keys.list(erp.id())).extracting(ApiKeyRecord::keyId).containsExactlyInAnyOrder(first.keyId(), second.keyId(), third.keyId());
        assertThat(keys.list(erp.id())).filteredOn(ApiKeyRecord::live).extracting(ApiKeyRecord::keyId).containsExactly(third.keyId());
    }

    @Test
    void recordsWhenAKeyWasLastUsed() {
        Account erp = account("erp");
        ApiKeys.IssuedApiKey key = backend.apiKeys().issue(erp.id());
        assertThat(backend.apiKeys().list(erp.id()).get(0).lastUsedAt()).isEmpty();

        clock.advance(Duration.ofMinutes(3));
        backend.apiKeys().verify(key.token());

        assertThat(backend.apiKeys().list(erp.id()).get(0).lastUsedAt()).contains(clock.instant());
    }

    @Test
    void keepsAllowedSendersPerAccount() {
        Account erp = account("erp");
        Account other = account("other");
        assertThat(backend.senders().add(erp.id(), SenderPattern.parse("App@Example.com"))).isTrue();
        assertThat(backend.senders().add(erp.id(), SenderPattern.parse("app@example.com"))).as("duplicate").isFalse();
        backend.senders().add(erp.id(), SenderPattern.parse("@example.org"));
        backend.senders().add(other.id(), SenderPattern.parse("x@other.test"));

        assertThat(backend.senders().list(erp.id())).extracting(SenderPattern::asString).containsExactly("@example.org", "app@example.com");
        assertThat(backend.senderPolicy().allows(erp, "APP@example.com")).isTrue();
        assertThat(backend.senderPolicy().allows(erp, "anyone@example.org")).isTrue();
        assertThat(backend.senderPolicy().allows(erp, "x@other.test")).isFalse();

        assertThat(backend.senders().remove(erp.id(), SenderPattern.parse("@example.org"))).isTrue();
        assertThat(backend.senderPolicy().allows(erp, "anyone@example.org")).isFalse();
    }

    @Test
    void mapsTrustedNetworksToAccountsMostSpecificFirst() throws Exception {
        Account printers = account("printers");
        Account scanner = account("scanner");
        assertThat(backend.trustedNetworkRepository().add(new TrustedNetwork(IpRange.parse("10.1.0.0/16"), printers.id()))).isTrue();
        assertThat(backend.trustedNetworkRepository().add(new TrustedNetwork(IpRange.parse("10.1.2.7"), scanner.id()))).isTrue();
        assertThat(backend.trustedNetworkRepository().add(new TrustedNetwork(IpRange.parse("10.1.0.0/16"), scanner.id())))
            .as("a range belongs to one account").isFalse();

        backend.trustedNetworks().invalidate();
        assertThat(backend.trustedNetworks().accountFor(InetAddress.getByName("10.1.9.9"))).contains(printers.id());
        assertThat(backend.trustedNetworks().accountFor(InetAddress.getByName("10.1.2.7"))).contains(scanner.id());
        assertThat(backend.trustedNetworks().accountFor(InetAddress.getByName("10.2.0.1"))).isEmpty();

        assertThat(backend.trustedNetworkRepository().remove(printers.id(), IpRange.parse("10.1.0.0/16"))).isTrue();
        assertThat(backend.trustedNetworkRepository().listByAccount(printers.id())).isEmpty();
    }

    @Test
    void storesProviderSettings() {
        Account erp = account("erp");
        ProviderSettings graph = new ProviderSettings(ProviderSettings.Provider.GRAPH, Map.of("tenantId", "t-1", "clientId", "c-1"));
        backend.providerSettings().put(erp.id(), graph);
        assertThat(backend.providerSettings().get(erp.id())).contains(graph);

        ProviderSettings smtp = new ProviderSettings(ProviderSettings.Provider.SMTP, Map.of("host", "smtp.example.com", "port", "587"));
        backend.providerSettings().put(erp.id(), smtp);
        assertThat(backend.providerSettings().get(erp.id())).contains(smtp);

        assertThat(backend.providerSettings().delete(erp.id())).isTrue();
        assertThat(backend.providerSettings().get(erp.id())).isEmpty();
    }

    @Test
    void deletingAnAccountDeletesEverythingItOwns() {
        Account erp = account("erp");
        ApiKeys.IssuedApiKey key = backend.apiKeys().issue(erp.id());
        backend.senders().add(erp.id(), SenderPattern.parse("@example.com"));
        backend.trustedNetworkRepository().add(new TrustedNetwork(IpRange.parse("192.0.2.0/24"), erp.id()));
        backend.providerSettings().put(erp.id(), new ProviderSettings(ProviderSettings.Provider.GMAIL, Map.of()));
        String scope = SecretVault.accountScope(erp.id(), "provider");
        backend.secretVault().put(scope, "refreshToken", Optional.of(erp.id()), "1//refresh");

        backend.accounts().delete("erp");

        assertThat(backend.apiKeys().verify(key.token())).isEmpty();
        assertThat(backend.senders().list(erp.id())).isEmpty();
        assertThat(backend.trustedNetworkRepository().list()).isEmpty();
        assertThat(backend.providerSettings().get(erp.id())).isEmpty();
        assertThat(backend.secretVault().get(scope, "refreshToken")).isEmpty();
    }

    @Test
    void secretsAreEncryptedAndApiKeysHashedAtRest() {
        Account erp = account("erp");
        String secret = "client-secret-" + "Zq8~xYv3_" + System.nanoTime();
        backend.secretVault().put(SecretVault.accountScope(erp.id(), "provider"), "clientSecret", Optional.of(erp.id()), secret);
        ApiKeys.IssuedApiKey key = backend.apiKeys().issue(erp.id());
        String keySecretPart = key.token().substring(("pbk_" + key.keyId() + "_").length());

        byte[] stored = storedBytes("pb_account", "pb_api_key", "pb_allowed_sender", "pb_trusted_network",
            "pb_provider_settings", "pb_secret", "pb_rate_counter");

        assertThat(contains(stored, "erp")).as("sanity: the bytes do contain the account").isTrue();
        assertThat(contains(stored, key.keyId())).as("sanity: the key id is stored").isTrue();
        assertThat(contains(stored, secret)).as("plaintext secret in the database").isFalse();
        assertThat(contains(stored, "Zq8~xYv3_")).isFalse();
        assertThat(contains(stored, key.token())).as("API key in the database").isFalse();
        assertThat(contains(stored, keySecretPart)).as("secret part of the API key in the database").isFalse();
        assertThat(contains(stored, keySecretPart.substring(0, 20))).isFalse();
    }

    @Test
    void masterKeyRotationReencryptsEverySecretAndKeepsThemReadable() {
        Account erp = account("erp");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            names.add("secret-" + i);
            backend.secretVault().put(SecretVault.accountScope(erp.id(), "provider"), "secret-" + i, Optional.of(erp.id()), "value-" + i);
        }
        backend.secretVault().put("dkim/example.com", "privateKey", Optional.empty(), "-----BEGIN PRIVATE KEY-----");
        String oldKey = backend.masterKeys().current().id();

        MasterKeyRotation.Result result = backend.rotation().rotate();

        assertThat(result.currentKeyId()).isNotEqualTo(oldKey).isEqualTo(backend.masterKeys().current().id());
        assertThat(result.reencrypted()).isEqualTo(251);
        assertThat(result.total()).isEqualTo(251);
        restart();
        assertThat(backend.masterKeys().current().id()).isEqualTo(result.currentKeyId());
        for (int i = 0; i < 250; i++) {
            assertThat(backend.secretVault().get(SecretVault.accountScope(erp.id(), "provider"), "secret-" + i)).contains("value-" + i);
        }
        assertThat(backend.secretVault().get("dkim/example.com", "privateKey")).contains("-----BEGIN PRIVATE KEY-----");
        assertThat(backend.rotation().reencrypt().reencrypted()).as("nothing left under the old key").isZero();
    }

    @Test
    void sharedRateLimitCountsWithinTheWindowAndStartsAgainInTheNext() {
        RateLimiter limiter = new JdbcRateLimiter(new Jdbc(backend.database().dataSource()), clock);
        clock.set(Instant.parse("2026-11-21T10:15:00Z"));
        assertThat(limiter.tryAcquire("account:erp", RateWindow.MINUTE, 1, 3)).isTrue();
        assertThat(limiter.tryAcquire("account:erp", RateWindow.MINUTE, 1, 3)).isTrue();
        assertThat(limiter.tryAcquire("account:erp", RateWindow.MINUTE, 1, 3)).isTrue();
        assertThat(limiter.tryAcquire("account:erp", RateWindow.MINUTE, 1, 3)).isFalse();
        assertThat(limiter.tryAcquire("account:other", RateWindow.MINUTE, 1, 3)).as("other subject").isTrue();
        assertThat(limiter.tryAcquire("account:erp", RateWindow.DAY, 1, 3)).as("other window kind").isTrue();

        clock.advance(Duration.ofSeconds(59));
        assertThat(limiter.tryAcquire("account:erp", RateWindow.MINUTE, 1, 3)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire("account:erp", RateWindow.MINUTE, 1, 3)).isTrue();
    }

    @Test
    void sharedRateLimitNeverAdmitsMoreThanTheLimitUnderConcurrency() throws Exception {
        // two limiters = two nodes sharing the database
        RateLimiter nodeA = new JdbcRateLimiter(new Jdbc(backend.database().dataSource()), clock);
        RateLimiter nodeB = new JdbcRateLimiter(new Jdbc(backend.database().dataSource()), clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                RateLimiter node = i % 2 == 0 ? nodeA : nodeB;
                attempts.add(() -> node.tryAcquire("account:burst", RateWindow.DAY, 1, 25));
            }
            int admitted = 0;
            for (Future<Boolean> result : pool.invokeAll(attempts)) {
                admitted += result.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(25);
        } finally {
            pool.shutdownNow();
        }
    }

    protected static boolean contains(byte[] haystack, String needle) {
        byte[] pattern = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i <= haystack.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (haystack[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
