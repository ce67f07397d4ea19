package io.postbridge.core.dkim.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.MutableClock;
import io.postbridge.core.dkim.keys.KeyLookup;

class ManagedDkimKeysTest {
    private static final String DOMAIN = "example.org";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T12:00:00Z"));
    private final Map<String, List<String>> dnsZone = new ConcurrentHashMap<>();
    private final List<String> dnsQueries = new ArrayList<>();
    private final DkimDnsLookup dns = name -> {
        dnsQueries.add(name);
        return dnsZone.getOrDefault(name, List.of());
    };
    private final InMemoryDkimKeyRepository repository = new InMemoryDkimKeyRepository();
    private final ManagedDkimKeys keys = new ManagedDkimKeys(repository, new DkimKeyGenerator(), dns, Runnable::run,
        new DkimRotationSettings(Duration.ofHours(48), Duration.ofDays(7), Duration.ofMinutes(10), Duration.ZERO), clock);

    @Test
    void aNewKeyIsPendingWithItsDnsRecordAndSignsOnlyAfterTheActivationDelay() throws Exception {
        DkimKeyStatus created = keys.generate(DOMAIN, DkimAlgorithm.ED25519_SHA256, Optional.empty(), 2048,
            Optional.empty(), false);

        assertThat(created.state()).isEqualTo(DkimKeyState.PENDING);
        assertThat(created.key().selector()).isEqualTo("ed20250115");
        assertThat(created.key().dnsRecord().zoneFileLine())
            .startsWith("ed20250115._domainkey.example.org. 3600 IN TXT ( \"v=DKIM1; k=ed25519; p=");
        assertThat(created.activatedAt()).contains(Instant.parse("2025-01-17T12:00:00Z"));
        assertThat(keys.lookup(DOMAIN).outcome()).isEqualTo(KeyLookup.Outcome.NOT_CONFIGURED);

        clock.advance(Duration.ofHours(48));

        KeyLookup lookup = keys.lookup(DOMAIN);
        assertThat(lookup.outcome()).isEqualTo(KeyLookup.Outcome.FOUND);
        assertThat(lookup.keys()).extracting(DkimSigningKey::selector).containsExactly("ed20250115");
        assertThat(keys.status(DOMAIN, "ed20250115").state()).isEqualTo(DkimKeyState.ACTIVE);
    }

    @Test
    void rotationPublishesANewKeyThatReplacesTheOldOneWhichIsRetiredThenRemovable() throws Exception {
        keys.generate(DOMAIN, DkimAlgorithm.RSA_SHA256, Optional.of("old"), 2048, Optional.of(Duration.ZERO), false);
        clock.advance(Duration.ofDays(30));

        List<DkimKeyStatus> rotated = keys.rotate(DOMAIN, 2048, Optional.of(Duration.ofHours(24)), false);

        assertThat(rotated).hasSize(1);
        String fresh = rotated.get(0).key().selector();
        assertThat(rotated.get(0).key().algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(signingSelectors()).containsExactly("old");

        clock.advance(Duration.ofHours(24));
        assertThat(signingSelectors()).containsExactly(fresh);
        DkimKeyStatus old = keys.status(DOMAIN, "old");
        assertThat(old.state()).isEqualTo(DkimKeyState.RETIRED);
        assertThat(old.retiredAt()).contains(rotated.get(0).activatedAt().get());

        clock.advance(Duration.ofDays(7));
        assertThat(keys.status(DOMAIN, "old").state()).isEqualTo(DkimKeyState.REMOVABLE);
        keys.delete(DOMAIN, "old");
        assertThat(keys.statuses(DOMAIN)).extracting(s -> s.key().selector()).containsExactly(fresh);
    }

    @Test
    void aFirstRotationCreatesRsaAndEd25519ForDualSigning() throws Exception {
        keys.rotate(DOMAIN, 2048, Optional.of(Duration.ZERO), false);

        assertThat(keys.lookup(DOMAIN).keys()).extracting(DkimSigningKey::algorithm)
            .containsExactlyInAnyOrder(DkimAlgorithm.RSA_SHA256, DkimAlgorithm.ED25519_SHA256);
    }

    @Test
    void withDnsCheckTheKeyWaitsUntilThePublishedRecordMatches() throws Exception {
        DkimKeyStatus created = keys.generate(DOMAIN, DkimAlgorithm.RSA_SHA256, Optional.of("s1"), 2048,
            Optional.of(Duration.ofHours(1)), true);
        String name = "s1._domainkey.example.org";
        clock.advance(Duration.ofHours(1));

        assertThat(keys.lookup(DOMAIN).outcome()).isEqualTo(KeyLookup.Outcome.NOT_CONFIGURED);
        assertThat(dnsQueries).containsExactly(name);
        DkimKeyStatus waiting = keys.status(DOMAIN, "s1");
        assertThat(waiting.state()).isEqualTo(DkimKeyState.AWAITING_DNS);
        assertThat(waiting.key().dnsProblem()).hasValueSatisfying(p -> assertThat(p).contains("no TXT record"));

        // published, as a resolver prints a record split into 255-octet strings
        dnsZone.put(name, List.of(String.join(" ", created.key().dnsRecord().quotedStrings())));
        keys.lookup(DOMAIN);
        assertThat(dnsQueries).as("not re-queried before the re-check interval").hasSize(1);
        clock.advance(Duration.ofMinutes(10));

        keys.lookup(DOMAIN);
        assertThat(keys.lookup(DOMAIN).outcome()).isEqualTo(KeyLookup.Outcome.FOUND);
        assertThat(keys.status(DOMAIN, "s1").state()).isEqualTo(DkimKeyState.ACTIVE);
    }

    @Test
    void aWrongPublishedRecordIsReportedAndDoesNotActivate() throws Exception {
        keys.generate(DOMAIN, DkimAlgorithm.ED25519_SHA256, Optional.of("s2"), 2048, Optional.of(Duration.ZERO), true);
        dnsZone.put("s2._domainkey.example.org", List.of("\"v=DKIM1; k=ed25519; p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""));

        DkimKeyStatus checked = keys.checkDns(DOMAIN, "s2");

        assertThat(checked.state()).isEqualTo(DkimKeyState.AWAITING_DNS);
        assertThat(checked.key().dnsProblem()).hasValueSatisfying(p -> assertThat(p).contains("does not hold this key"));
    }

    @Test
    void retiringTheOnlyActiveKeyLeavesTheDomainUnavailableSoTheMissingKeyPolicyApplies() throws Exception {
        keys.generate(DOMAIN, DkimAlgorithm.RSA_SHA256, Optional.of("only"), 2048, Optional.of(Duration.ZERO), false);
        assertThatThrownBy(() -> keys.delete(DOMAIN, "only")).hasMessageContaining("retire it first");

        keys.retire(DOMAIN, "only");

        KeyLookup lookup = keys.lookup(DOMAIN);
        assertThat(lookup.outcome()).isEqualTo(KeyLookup.Outcome.UNAVAILABLE);
        assertThat(lookup.problemSummary()).hasValueSatisfying(p -> assertThat(p).contains("no usable active managed key"));
        assertThatThrownBy(() -> keys.activateNow(DOMAIN, "only")).hasMessageContaining("retired");
    }

    @Test
    void activateNowSkipsTheRestOfTheDelay() throws Exception {
        keys.generate(DOMAIN, DkimAlgorithm.RSA_SHA256, Optional.of("now"), 2048, Optional.empty(), false);

        assertThat(keys.activateNow(DOMAIN, "now").state()).isEqualTo(DkimKeyState.ACTIVE);
    }

    @Test
    void duplicateSelectorsAndUnknownKeysAreRefused() throws Exception {
        keys.generate(DOMAIN, DkimAlgorithm.RSA_SHA256, Optional.of("dup"), 2048, Optional.empty(), false);

        assertThatThrownBy(() -> keys.generate(DOMAIN, DkimAlgorithm.ED25519_SHA256, Optional.of("dup"), 2048,
            Optional.empty(), false)).hasMessageContaining("already exists");
        assertThatThrownBy(() -> keys.retire(DOMAIN, "nope")).isInstanceOf(ManagedDkimKeys.NoSuchKeyException.class);
        assertThatThrownBy(() -> keys.generate("not a domain", DkimAlgorithm.RSA_SHA256, Optional.empty(), 2048,
            Optional.empty(), false)).hasMessageContaining("not a domain name");
    }

    @Test
    void aStoredKeyWhosePrivateHalfDoesNotMatchItsDnsRecordNeverSigns() throws Exception {
        DkimKeyStatus created = keys.generate(DOMAIN, DkimAlgorithm.ED25519_SHA256, Optional.of("mixed"), 2048,
            Optional.of(Duration.ZERO), false);
        ManagedDkimKey stored = created.key();
        byte[] otherPrivateKey = new DkimKeyGenerator().generate(DkimAlgorithm.ED25519_SHA256).pkcs8();
        repository.save(new ManagedDkimKey(stored.domain(), stored.selector(), stored.algorithm(), otherPrivateKey,
            stored.publicKey(), stored.createdAt(), stored.activateAt(), stored.retiredAt(), false, Optional.empty(),
            Optional.empty(), Optional.empty()));

        KeyLookup lookup = keys.lookup(DOMAIN);

        assertThat(lookup.outcome()).isEqualTo(KeyLookup.Outcome.UNAVAILABLE);
        assertThat(lookup.problemSummary()).hasValueSatisfying(p -> assertThat(p).contains("does not match its DNS record"));
    }

    @Test
    void whileTheStoreIsUnreadableTheKeysReadLastKeepSigning() throws Exception {
        AtomicBoolean storeDown = new AtomicBoolean();
        DkimKeyRepository flaky = new DkimKeyRepository() {
            @Override
            public void save(ManagedDkimKey key) throws IOException {
                repository.save(key);
            }

            @Override
            public Optional<ManagedDkimKey> find(String domain, String selector) {
                return repository.find(domain, selector);
            }

            @Override
            public List<ManagedDkimKey> listByDomain(String domain) throws IOException {
                if (storeDown.get()) {
                    throw new IOException("connection refused");
                }
                return repository.listByDomain(domain);
            }

            @Override
            public List<String> domains() {
                return repository.domains();
            }

            @Override
            public boolean delete(String domain, String selector) {
                return repository.delete(domain, selector);
            }
        };
        ManagedDkimKeys cached = new ManagedDkimKeys(flaky, new DkimKeyGenerator(), dns, Runnable::run,
            new DkimRotationSettings(Duration.ofHours(48), Duration.ofDays(7), Duration.ofMinutes(10), Duration.ofSeconds(30)),
            clock);
        cached.generate(DOMAIN, DkimAlgorithm.ED25519_SHA256, Optional.of("cached"), 2048, Optional.of(Duration.ZERO), false);
        assertThat(cached.lookup(DOMAIN).outcome()).isEqualTo(KeyLookup.Outcome.FOUND);

        storeDown.set(true);
        clock.advance(Duration.ofMinutes(5));

        assertThat(cached.lookup(DOMAIN).keys()).extracting(DkimSigningKey::selector).containsExactly("cached");
        // never read: unknown, so the missing-key policy of the domain applies (hold or send unsigned)
        KeyLookup unknown = cached.lookup("never-read.example");
        assertThat(unknown.outcome()).isEqualTo(KeyLookup.Outcome.UNAVAILABLE);
        assertThat(unknown.problemSummary()).hasValueSatisfying(p -> assertThat(p)
            .contains("DKIM key store unreadable for never-read.example").contains("connection refused"));
    }

    private List<String> signingSelectors() throws IOException {
        List<String> selectors = new ArrayList<>();
        keys.lookup(DOMAIN).keys().forEach(k -> selectors.add(k.selector()));
        return selectors;
    }
}
