package io.postbridge.core.dkim.rotation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyException;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimPrivateKeyReader;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.keys.DkimKeySource;
import io.postbridge.core.dkim.keys.KeyLookup;

/**
 * The managed keys' life cycle (WebAdmin {@code /postbridge/dkim}) and their use for signing. Generate a key, publish
 * the printed DNS record, and it signs from its activation time on (after the DNS record was seen, if asked); the
 * key it replaces is retired at that moment and its record can go after the keep time. Thread-safe.
 */
public final class ManagedDkimKeys implements DkimKeySource {
    private static final Logger LOGGER = LoggerFactory.getLogger(ManagedDkimKeys.class);
    private static final DateTimeFormatter SELECTOR_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private static final class Cached {
        final List<ManagedDkimKey> keys;
        final Instant readAt;

        Cached(List<ManagedDkimKey> keys, Instant readAt) {
            this.keys = keys;
            this.readAt = readAt;
        }
    }

    private final DkimKeyRepository repository;
    private final DkimKeyGenerator generator;
    private final DkimDnsLookup dns;
    private final Executor dnsExecutor;
    private final DkimRotationSettings settings;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, DkimPrivateKey> decoded = new ConcurrentHashMap<>();
    private final Set<String> dnsChecksRunning = ConcurrentHashMap.newKeySet();

    public ManagedDkimKeys(DkimKeyRepository repository, DkimKeyGenerator generator, DkimDnsLookup dns,
                           Executor dnsExecutor, DkimRotationSettings settings, Clock clock) {
        this.repository = repository;
        this.generator = generator;
        this.dns = dns;
        this.dnsExecutor = dnsExecutor;
        this.settings = settings;
        this.clock = clock;
    }

    public DkimRotationSettings settings() {
        return settings;
    }

    /** A new key, pending until {@code activateAfter} from now (the default delay when empty). */
    public DkimKeyStatus generate(String domain, DkimAlgorithm algorithm, Optional<String> selector, int rsaBits,
                                  Optional<Duration> activateAfter, boolean requireDnsMatch)
        throws IOException, DkimKeyException {
        String d = DkimSigningKey.normalizeDomain(domain);
        Instant now = clock.instant();
        String s = selector.map(DkimSigningKey::normalizeSelector).orElseGet(() -> freeSelector(d, algorithm, now));
        if (find(d, s).isPresent()) {
            throw new IllegalArgumentException("selector '" + s + "' already exists for " + d + "; choose another");
        }
        DkimPrivateKey key = generator.generate(algorithm, rsaBits);
        Instant activateAt = now.plus(activateAfter.orElse(settings.activationDelay()));
        ManagedDkimKey managed = new ManagedDkimKey(d, s, algorithm, key.pkcs8(), key.publicKeyBase64(), now,
            Optional.of(activateAt), Optional.empty(), requireDnsMatch, Optional.empty(), Optional.empty(), Optional.empty());
        repository.save(managed);
        invalidate(d);
        LOGGER.info("DKIM: generated {} key {} for {}, signing from {}{}", algorithm, s, d, activateAt,
            requireDnsMatch ? " once its DNS record is seen" : "");
        return status(d, s);
    }

    /**
     * A new key for every algorithm the domain signs with (or is about to), both RSA and Ed25519 when it has none:
     * each replaces its predecessor when it activates.
     */
    public List<DkimKeyStatus> rotate(String domain, int rsaBits, Optional<Duration> activateAfter, boolean requireDnsMatch)
        throws IOException, DkimKeyException {
        String d = DkimSigningKey.normalizeDomain(domain);
        Set<DkimAlgorithm> algorithms = EnumSet.noneOf(DkimAlgorithm.class);
        for (DkimKeyStatus status : statuses(d)) {
            if (status.state() == DkimKeyState.ACTIVE || status.state() == DkimKeyState.PENDING
                || status.state() == DkimKeyState.AWAITING_DNS) {
                algorithms.add(status.key().algorithm());
            }
        }
        if (algorithms.isEmpty()) {
            algorithms = EnumSet.allOf(DkimAlgorithm.class);
        }
        List<DkimKeyStatus> created = new ArrayList<>();
        for (DkimAlgorithm algorithm : algorithms) {
            created.add(generate(d, algorithm, Optional.empty(), rsaBits, activateAfter, requireDnsMatch));
        }
        return created;
    }

    /** Makes a pending key sign now (its DNS check, if required, still applies). */
    public DkimKeyStatus activateNow(String domain, String selector) throws IOException {
        ManagedDkimKey key = existing(domain, selector);
        if (key.retiredAt().isPresent() || status(key.domain(), key.selector()).retiredAt().isPresent()) {
            throw new IllegalStateException("key " + key.selector() + " of " + key.domain()
                + " is retired and cannot sign again; generate a new key");
        }
        repository.save(key.withActivateAt(Optional.of(clock.instant())));
        invalidate(key.domain());
        return status(key.domain(), key.selector());
    }

    /** Stops signing with the key now; its DNS record should stay for the keep time. */
    public DkimKeyStatus retire(String domain, String selector) throws IOException {
        ManagedDkimKey key = existing(domain, selector);
        if (key.retiredAt().isEmpty()) {
            repository.save(key.withRetiredAt(clock.instant()));
            invalidate(key.domain());
        }
        return status(key.domain(), key.selector());
    }

    /** Deletes a key that does not sign (pending, retired or removable). */
    public void delete(String domain, String selector) throws IOException {
        DkimKeyStatus status = status(DkimSigningKey.normalizeDomain(domain), DkimSigningKey.normalizeSelector(selector));
        if (status.state() == DkimKeyState.ACTIVE) {
            throw new IllegalStateException("key " + status.key().selector() + " of " + status.key().domain()
                + " is signing mail; retire it first");
        }
        repository.delete(status.key().domain(), status.key().selector());
        decoded.remove(status.key().domain() + "/" + status.key().selector());
        invalidate(status.key().domain());
    }

    /** Looks the key's DNS record up now and records the result. */
    public DkimKeyStatus checkDns(String domain, String selector) throws IOException {
        ManagedDkimKey key = existing(domain, selector);
        Optional<String> problem = DkimDnsCheck.problem(dns, key.dnsRecord());
        repository.save(key.withDnsCheck(clock.instant(), problem));
        invalidate(key.domain());
        return status(key.domain(), key.selector());
    }

    public List<DkimKeyStatus> statuses(String domain) throws IOException {
        String d = DkimSigningKey.normalizeDomain(domain);
        return DkimKeyStates.compute(repository.listByDomain(d), clock.instant(), settings);
    }

    public DkimKeyStatus status(String domain, String selector) throws IOException {
        String s = DkimSigningKey.normalizeSelector(selector);
        return statuses(domain).stream().filter(st -> st.key().selector().equals(s)).findFirst()
            .orElseThrow(() -> new NoSuchKeyException(domain, s));
    }

    public List<String> domains() throws IOException {
        return repository.domains();
    }

    @Override
    public KeyLookup lookup(String domain) {
        List<ManagedDkimKey> keys;
        try {
            keys = cachedKeys(domain);
        } catch (IOException e) {
            // store down and this domain's keys never read: we cannot tell, so the domain's missing-key policy
            // decides (hold, or send unsigned with a warning) rather than an error path that always sends unsigned
            return KeyLookup.unavailable(List.of("DKIM key store unreadable for " + domain + ": " + e.getMessage()));
        }
        if (keys.isEmpty()) {
            return KeyLookup.notConfigured();
        }
        Instant now = clock.instant();
        List<DkimKeyStatus> statuses = DkimKeyStates.compute(keys, now, settings);
        List<DkimSigningKey> signing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean signsThisDomain = false;
        for (DkimKeyStatus status : statuses) {
            switch (status.state()) {
                case ACTIVE:
                    signsThisDomain = true;
                    usable(status.key(), problems).ifPresent(signing::add);
                    break;
                case RETIRED:
                case REMOVABLE:
                    // a domain that was signed stays "must be signed" until its keys are deleted
                    signsThisDomain |= status.activatedAt().isPresent();
                    break;
                case AWAITING_DNS:
                    scheduleDnsCheck(status.key(), now);
                    problems.add("key " + status.key().selector() + " waits for its DNS record: "
                        + status.key().dnsProblem().orElse("not checked yet"));
                    break;
                default:
                    break;
            }
        }
        if (!signing.isEmpty()) {
            return KeyLookup.found(signing, problems);
        }
        if (signsThisDomain) {
            problems.add(0, "no usable active managed key for " + domain);
            return KeyLookup.unavailable(problems);
        }
        // only keys that have never signed: managed keys do not sign this domain yet
        return KeyLookup.notConfigured();
    }

    private Optional<DkimSigningKey> usable(ManagedDkimKey key, List<String> problems) {
        String id = key.domain() + "/" + key.selector();
        DkimPrivateKey privateKey = decoded.get(id);
        // decoded again when the selector now holds another key (deleted and generated again, maybe on another node)
        if (privateKey == null || !privateKey.publicKeyBase64().equals(key.publicKey())) {
            try {
                privateKey = DkimPrivateKeyReader.pkcs8(key.privateKeyPkcs8());
            } catch (DkimKeyException e) {
                problems.add("stored key " + key.selector() + " is unusable: " + e.getMessage());
                return Optional.empty();
            }
            if (!privateKey.publicKeyBase64().equals(key.publicKey())) {
                // never sign with a key whose published record says otherwise: every signature would fail
                problems.add("stored key " + key.selector() + " does not match its DNS record (public key differs)");
                return Optional.empty();
            }
            decoded.put(id, privateKey);
        }
        return Optional.of(new DkimSigningKey(key.domain(), key.selector(), privateKey));
    }

    private void scheduleDnsCheck(ManagedDkimKey key, Instant now) {
        boolean due = key.dnsCheckedAt().map(at -> !at.plus(settings.dnsRecheck()).isAfter(now)).orElse(true);
        String id = key.domain() + "/" + key.selector();
        if (due && dnsChecksRunning.add(id)) {
            dnsExecutor.execute(() -> {
                try {
                    DkimKeyStatus status = checkDns(key.domain(), key.selector());
                    LOGGER.info("DKIM: DNS check of {} {}: {}", id, status.state(),
                        status.key().dnsProblem().orElse("record matches"));
                } catch (IOException | RuntimeException e) {
                    LOGGER.warn("DKIM: DNS check of {} failed: {}", id, e.toString());
                } finally {
                    dnsChecksRunning.remove(id);
                }
            });
        }
    }

    /** The domain's keys, read again after the cache time; the keys read last while the store cannot be read. */
    private List<ManagedDkimKey> cachedKeys(String domain) throws IOException {
        Instant now = clock.instant();
        Cached cached = cache.get(domain);
        if (cached == null || !cached.readAt.plus(settings.cacheTtl()).isAfter(now)) {
            try {
                cached = new Cached(repository.listByDomain(domain), now);
            } catch (IOException e) {
                if (cached == null) {
                    throw e;
                }
                // a store outage (database restarting): keep signing with the keys read last, try again next time
                LOGGER.warn("DKIM: key store unreadable for {} ({}); using the keys read at {}", domain, e.getMessage(),
                    cached.readAt);
                return cached.keys;
            }
            cache.put(domain, cached);
        }
        return cached.keys;
    }

    private void invalidate(String domain) {
        cache.remove(domain);
    }

    private Optional<ManagedDkimKey> find(String domain, String selector) throws IOException {
        return repository.find(domain, selector);
    }

    private ManagedDkimKey existing(String domain, String selector) throws IOException {
        String d = DkimSigningKey.normalizeDomain(domain);
        String s = DkimSigningKey.normalizeSelector(selector);
        return find(d, s).orElseThrow(() -> new NoSuchKeyException(d, s));
    }

    /** e.g. rsa20250115, then rsa20250115b, ... */
    private String freeSelector(String domain, DkimAlgorithm algorithm, Instant now) {
        String base = (algorithm == DkimAlgorithm.RSA_SHA256 ? "rsa" : "ed") + SELECTOR_DATE.format(now);
        try {
            Set<String> taken = repository.listByDomain(domain).stream().map(ManagedDkimKey::selector)
                .collect(Collectors.toSet());
            if (!taken.contains(base)) {
                return base;
            }
            for (char c = 'b'; c <= 'z'; c++) {
                if (!taken.contains(base + c)) {
                    return base + c;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("too many keys created today for " + domain + "; give a selector");
    }

    /** The domain has no key with that selector. */
    public static final class NoSuchKeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NoSuchKeyException(String domain, String selector) {
            super("no managed DKIM key '" + selector + "' for " + domain);
        }
    }
}
