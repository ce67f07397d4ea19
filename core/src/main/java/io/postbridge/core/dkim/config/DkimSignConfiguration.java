package io.postbridge.core.dkim.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.dkim.Canonicalization;
import io.postbridge.core.dkim.SignedHeaders;
import io.postbridge.core.dkim.keys.DkimKeyTable;
import io.postbridge.core.dkim.keys.DkimSigningService;
import io.postbridge.core.dkim.keys.DomainPattern;
import io.postbridge.core.dkim.keys.MissingKeyPolicy;
import io.postbridge.core.dkim.keys.WhenKeyMissing;

/**
 * The DkimSign mailet's parameters, read from James's flattened mailet configuration. James joins repeated
 * elements' values with commas ({@code key[@domain]} = {@code "a.com,b.com"}), so every {@code <key>} and every
 * {@code <domainPolicy>} must carry all its attributes, and values cannot contain commas.
 */
public final class DkimSignConfiguration {
    public static final String FILE = "mailetcontainer.xml";
    public static final Set<String> PARAMETERS = Set.of("key", "domainPolicy", "whenKeyMissing", "canonicalization",
        "signedHeaders", "signatureExpiry", "signingDomain", "encode8bit", "managedKeys", "holdDelay", "maxHold",
        "holdExpiredProcessor", "keyFileCheckInterval");

    private final List<DkimKeyTable.Entry> keyTable;
    private final Canonicalization headerCanonicalization;
    private final Canonicalization bodyCanonicalization;
    private final SignedHeaders signedHeaders;
    private final Optional<Duration> signatureExpiry;
    private final DkimSigningService.SigningDomains signingDomains;
    private final MissingKeyPolicy missingKeyPolicy;
    private final boolean encode8bit;
    private final boolean managedKeys;
    private final Duration holdDelay;
    private final Duration maxHold;
    private final String holdExpiredProcessor;
    private final Duration keyFileCheckInterval;

    private DkimSignConfiguration(Builder b) {
        this.keyTable = List.copyOf(b.keyTable);
        this.headerCanonicalization = b.headerCanonicalization;
        this.bodyCanonicalization = b.bodyCanonicalization;
        this.signedHeaders = b.signedHeaders;
        this.signatureExpiry = b.signatureExpiry;
        this.signingDomains = b.signingDomains;
        this.missingKeyPolicy = b.missingKeyPolicy;
        this.encode8bit = b.encode8bit;
        this.managedKeys = b.managedKeys;
        this.holdDelay = b.holdDelay;
        this.maxHold = b.maxHold;
        this.holdExpiredProcessor = b.holdExpiredProcessor;
        this.keyFileCheckInterval = b.keyFileCheckInterval;
    }

    private static final class Builder {
        List<DkimKeyTable.Entry> keyTable = new ArrayList<>();
        Canonicalization headerCanonicalization = Canonicalization.RELAXED;
        Canonicalization bodyCanonicalization = Canonicalization.RELAXED;
        SignedHeaders signedHeaders = SignedHeaders.defaults();
        Optional<Duration> signatureExpiry = Optional.empty();
        DkimSigningService.SigningDomains signingDomains = DkimSigningService.SigningDomains.FROM_THEN_ENVELOPE;
        MissingKeyPolicy missingKeyPolicy = MissingKeyPolicy.sendUnsigned();
        boolean encode8bit = true;
        boolean managedKeys = true;
        Duration holdDelay = Duration.ofMinutes(5);
        Duration maxHold = Duration.ofDays(1);
        String holdExpiredProcessor = "error";
        Duration keyFileCheckInterval = DkimKeyTable.DEFAULT_CHECK_INTERVAL;
    }

    /**
     * @param parameter reads one init parameter (as James's {@code getInitParameter})
     * @param keyPath resolves a {@code privateKey} attribute to a file (relative paths against conf/)
     */
    public static DkimSignConfiguration parse(Function<String, Optional<String>> parameter, Function<String, Path> keyPath)
        throws DkimSignConfigurationException {
        try {
            return parse(parameter, keyPath, SettingsReader.of(FILE, name -> name, parameter));
        } catch (SettingProblem.Invalid e) {
            throw new DkimSignConfigurationException(e.key(), e.problem());
        }
    }

    private static DkimSignConfiguration parse(Function<String, Optional<String>> parameter, Function<String, Path> keyPath,
                                               SettingsReader settings) throws DkimSignConfigurationException {
        Builder b = new Builder();
        b.keyTable = keyTable(parameter, keyPath);
        Optional<String> canonicalization = parameter.apply("canonicalization");
        if (canonicalization.isPresent()) {
            String[] parts = canonicalization.get().trim().split("/", -1);
            try {
                b.headerCanonicalization = Canonicalization.fromTagValue(parts[0]);
                b.bodyCanonicalization = parts.length > 1 ? Canonicalization.fromTagValue(parts[1]) : Canonicalization.SIMPLE;
                if (parts.length > 2) {
                    throw new IllegalArgumentException("too many parts");
                }
            } catch (IllegalArgumentException e) {
                throw new DkimSignConfigurationException("canonicalization", "'" + canonicalization.get()
                    + "' is not header/body canonicalization such as relaxed/relaxed (" + e.getMessage() + ")");
            }
        }
        Optional<String> headers = parameter.apply("signedHeaders");
        if (headers.isPresent()) {
            b.signedHeaders = parse("signedHeaders", headers.get(), SignedHeaders::parse);
        }
        b.signatureExpiry = settings.duration("signatureExpiry", Duration.ofSeconds(1));
        Optional<String> signingDomain = parameter.apply("signingDomain");
        if (signingDomain.isPresent()) {
            b.signingDomains = parse("signingDomain", signingDomain.get(), DkimSigningService.SigningDomains::parse);
        }
        b.missingKeyPolicy = policy(parameter);
        b.encode8bit = settings.bool("encode8bit", true);
        b.managedKeys = settings.bool("managedKeys", true);
        b.holdDelay = settings.duration("holdDelay", b.holdDelay, Duration.ZERO);
        b.maxHold = settings.duration("maxHold", b.maxHold, Duration.ZERO);
        b.holdExpiredProcessor = parameter.apply("holdExpiredProcessor").map(String::trim).filter(s -> !s.isEmpty())
            .orElse(b.holdExpiredProcessor);
        b.keyFileCheckInterval = settings.duration("keyFileCheckInterval", b.keyFileCheckInterval, Duration.ZERO);
        if (b.keyTable.isEmpty() && !b.managedKeys) {
            throw new DkimSignConfigurationException("key", "no <key> given and <managedKeys> is false: nothing could ever sign");
        }
        return new DkimSignConfiguration(b);
    }

    private static List<DkimKeyTable.Entry> keyTable(Function<String, Optional<String>> parameter,
                                                     Function<String, Path> keyPath) throws DkimSignConfigurationException {
        List<String> domains = list(parameter, "key[@domain]");
        List<String> selectors = list(parameter, "key[@selector]");
        List<String> files = list(parameter, "key[@privateKey]");
        if (domains.size() != selectors.size() || domains.size() != files.size()) {
            throw new DkimSignConfigurationException("key", "every <key> needs the three attributes domain, selector "
                + "and privateKey (found " + domains.size() + " domain, " + selectors.size() + " selector, "
                + files.size() + " privateKey; values must not contain commas)");
        }
        List<DkimKeyTable.Entry> entries = new ArrayList<>();
        for (int i = 0; i < domains.size(); i++) {
            String domain = domains.get(i);
            String selector = selectors.get(i);
            String file = files.get(i);
            try {
                entries.add(new DkimKeyTable.Entry(DomainPattern.parse(domain), selector, keyPath.apply(file)));
            } catch (IllegalArgumentException e) {
                throw new DkimSignConfigurationException("key", "<key domain=\"" + domain + "\" selector=\"" + selector
                    + "\" privateKey=\"" + file + "\">: " + e.getMessage());
            }
        }
        return entries;
    }

    private static MissingKeyPolicy policy(Function<String, Optional<String>> parameter) throws DkimSignConfigurationException {
        WhenKeyMissing defaultAction = parameter.apply("whenKeyMissing").isPresent()
            ? parse("whenKeyMissing", parameter.apply("whenKeyMissing").get(), WhenKeyMissing::parse)
            : WhenKeyMissing.SEND_UNSIGNED;
        List<String> domains = list(parameter, "domainPolicy[@domain]");
        List<String> actions = list(parameter, "domainPolicy[@whenKeyMissing]");
        if (domains.size() != actions.size()) {
            throw new DkimSignConfigurationException("domainPolicy", "every <domainPolicy> needs both attributes "
                + "domain and whenKeyMissing (found " + domains.size() + " domain, " + actions.size() + " whenKeyMissing)");
        }
        Map<DomainPattern, WhenKeyMissing> perDomain = new LinkedHashMap<>();
        for (int i = 0; i < domains.size(); i++) {
            DomainPattern pattern = parse("domainPolicy", domains.get(i), DomainPattern::parse);
            perDomain.put(pattern, parse("domainPolicy", actions.get(i), WhenKeyMissing::parse));
        }
        return new MissingKeyPolicy(defaultAction, perDomain);
    }

    private interface Parser<T> {
        T parse(String value);
    }

    private static <T> T parse(String setting, String value, Parser<T> parser) throws DkimSignConfigurationException {
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new DkimSignConfigurationException(setting, e.getMessage());
        }
    }

    private static List<String> list(Function<String, Optional<String>> parameter, String name) {
        List<String> values = new ArrayList<>();
        parameter.apply(name).ifPresent(joined -> {
            for (String value : joined.split(",")) {
                if (!value.trim().isEmpty()) {
                    values.add(value.trim());
                }
            }
        });
        return values;
    }

    public List<DkimKeyTable.Entry> keyTable() {
        return keyTable;
    }

    public Canonicalization headerCanonicalization() {
        return headerCanonicalization;
    }

    public Canonicalization bodyCanonicalization() {
        return bodyCanonicalization;
    }

    public SignedHeaders signedHeaders() {
        return signedHeaders;
    }

    public Optional<Duration> signatureExpiry() {
        return signatureExpiry;
    }

    public DkimSigningService.SigningDomains signingDomains() {
        return signingDomains;
    }

    public MissingKeyPolicy missingKeyPolicy() {
        return missingKeyPolicy;
    }

    public boolean encode8bit() {
        return encode8bit;
    }

    public boolean managedKeys() {
        return managedKeys;
    }

    public Duration holdDelay() {
        return holdDelay;
    }

    public Duration maxHold() {
        return maxHold;
    }

    public String holdExpiredProcessor() {
        return holdExpiredProcessor;
    }

    public Duration keyFileCheckInterval() {
        return keyFileCheckInterval;
    }
}
