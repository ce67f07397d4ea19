package io.postbridge.mailets;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.dkim.DkimSigner;
import io.postbridge.core.dkim.config.DkimSignConfiguration;
import io.postbridge.core.dkim.config.DkimSignConfigurationException;
import io.postbridge.core.dkim.keys.DkimKeySource;
import io.postbridge.core.dkim.keys.DkimKeyTable;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.keys.DkimSigningService;
import io.postbridge.core.dkim.keys.SigningOutcome;
import io.postbridge.core.metrics.MetricNames;
import io.postbridge.core.metrics.PostbridgeMetrics;
import io.postbridge.core.dkim.keys.WhenKeyMissing;
import io.postbridge.core.dkim.mime.SigningPreparation;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import io.postbridge.core.mail.MailAttributes;

/**
 * DKIM-signs outgoing mail as its author's domain (or, for forwarded mail, its envelope sender's domain) with every
 * key of that domain: RSA and Ed25519 give dual signatures. Keys come from the {@code <key>} table below and from
 * the keys managed through WebAdmin ({@code /postbridge/dkim}). Must be the last mailet before RemoteDelivery (or
 * any mailet that sends by SMTP): whatever changes the message afterwards breaks the signature.
 *
 * <pre>{@code
 * <mailet match="All" class="io.postbridge.mailets.DkimSign">
 *     <!-- domain (or *.domain: its subdomains, signed as domain), selector, PEM private key (relative: conf/) -->
 *     <key domain="example.com" selector="rsa2025" privateKey="dkim/example.com.rsa2025.pem"/>
 *     <key domain="example.com" selector="ed2025" privateKey="dkim/example.com.ed2025.pem"/>
 *     <whenKeyMissing>send-unsigned</whenKeyMissing>    <!-- or hold: keep the mail and retry -->
 *     <domainPolicy domain="example.com" whenKeyMissing="hold"/>
 * </mailet>
 * }</pre>
 * Optional: {@code canonicalization} (relaxed/relaxed), {@code signedHeaders} (rspamd notation),
 * {@code signatureExpiry}, {@code signingDomain} (from-then-envelope | from | envelope), {@code encode8bit} (true),
 * {@code managedKeys} (true), {@code holdDelay} (5m), {@code maxHold} (1d), {@code holdExpiredProcessor} (error),
 * {@code keyFileCheckInterval} (1m).
 */
public class DkimSign extends GenericMailet {
    /** A short account of what this mailet did ("signed d=example.com s=rsa1,ed1", "unsigned: ..."). */
    public static final AttributeName RESULT = AttributeName.of(MailAttributes.DKIM_RESULT);
    /** When the mail was first held for a missing key (epoch milliseconds). */
    public static final AttributeName HELD_SINCE = AttributeName.of(MailAttributes.DKIM_HELD_SINCE);

    private static final Logger LOGGER = LoggerFactory.getLogger(DkimSign.class);

    private final FileSystem fileSystem;
    private final ManagedDkimKeys managedKeys;
    private final DkimKeyTableRegistry registry;
    private final MailQueueFactory<?> queues;
    private final Clock clock;

    private DkimSignConfiguration configuration;
    private DkimSigningService signing;
    private SigningPreparation preparation;
    private MailQueue spool;
    private PostbridgeMetrics metrics = PostbridgeMetrics.NONE;

    @Inject
    public DkimSign(FileSystem fileSystem, ManagedDkimKeys managedKeys, DkimKeyTableRegistry registry,
                    MailQueueFactory<?> queues) {
        this(fileSystem, managedKeys, registry, queues, Clock.systemUTC());
    }

    /** Signatures per algorithm and failures (docs/observability.md). */
    @Inject
    public void recordTo(PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    DkimSign(FileSystem fileSystem, ManagedDkimKeys managedKeys, DkimKeyTableRegistry registry,
             MailQueueFactory<?> queues, Clock clock) {
        this.fileSystem = fileSystem;
        this.managedKeys = managedKeys;
        this.registry = registry;
        this.queues = queues;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        try {
            // James strips attribute suffixes from parameter names, test configs may not: compare the bare names
            MailetParameters.read(this, DkimSignConfiguration.PARAMETERS, name -> name.replaceAll("\\[@.*\\]", ""));
        } catch (SettingProblem.Invalid e) {
            throw MailetParameters.problem(e);
        }
        try {
            configuration = DkimSignConfiguration.parse(this::parameter, this::keyFile);
        } catch (DkimSignConfigurationException e) {
            throw problem(e.setting(), e.getMessage());
        }
        DkimKeyTable table = new DkimKeyTable(configuration.keyTable(), clock, configuration.keyFileCheckInterval());
        if (!table.invalidKeys().isEmpty()) {
            throw problem("key", String.join("; ", table.invalidKeys()));
        }
        table.missingKeys().forEach(missing -> LOGGER.warn(
            "DKIM key not available yet (the whenKeyMissing policy applies until it is): {}", missing));
        registry.register(getMailetName(), table);
        DkimKeySource keys = configuration.managedKeys() ? DkimKeySource.firstConfigured(table, managedKeys) : table;
        DkimSigner signer = new DkimSigner(configuration.headerCanonicalization(), configuration.bodyCanonicalization(),
            configuration.signedHeaders(), configuration.signatureExpiry(), clock);
        signing = new DkimSigningService(signer, keys, configuration.missingKeyPolicy(), configuration.signingDomains());
        preparation = new SigningPreparation(configuration.encode8bit());
        spool = queues.createQueue(MailQueueFactory.SPOOL);
    }

    /** A parameter's value; blank counts as absent. */
    private Optional<String> parameter(String name) {
        return Optional.ofNullable(getInitParameter(name)).filter(v -> !v.trim().isEmpty());
    }

    /** Relative paths are read from conf/ (like every James configuration file); "file://..." and absolute as given. */
    private Path keyFile(String value) {
        if (Paths.get(value).isAbsolute()) {
            return Paths.get(value);
        }
        String location = value.startsWith("file:") ? value : FileSystem.FILE_PROTOCOL_AND_CONF + value;
        try {
            return fileSystem.getFile(location).toPath();
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("cannot resolve '" + value + "': " + e.getMessage(), e);
        }
    }

    private MessagingException problem(String setting, String what) {
        return new MessagingException(SettingProblem.describe("mailetcontainer.xml",
            "mailet " + getClass().getSimpleName() + " <" + setting + ">", what));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> sender = mail.getMaybeSender().asOptional().map(MailAddress::asString);
        SigningOutcome outcome;
        try {
            // the header fields decide whether the mail is ours to sign: most relayed mail is not, and then the
            // whole message need not be serialised
            if (!signing.concerns(MailContent.headerBlock(mail), sender)) {
                result(mail, "not signed: no DKIM key for its domains");
                return;
            }
            outcome = signing.sign(preparation.prepare(bytes(mail)), sender);
        } catch (IOException | MessagingException | RuntimeException e) {
            // a message we cannot parse still deserves delivery; it just leaves unsigned
            LOGGER.error("DKIM: cannot sign mail {} ({}); sending it unsigned", mail.getName(), e.toString());
            metrics.increment(MetricNames.DKIM_FAILURES);
            result(mail, "unsigned: " + e);
            return;
        }
        switch (outcome.kind()) {
            case SIGNED:
                mail.setMessage(preparation.toMimeMessage(outcome.message()));
                outcome.keys().forEach(k -> metrics.increment(MetricNames.dkimSigned(k.key().algorithm().tagValue())));
                mail.removeAttribute(HELD_SINCE);
                outcome.warnings().forEach(w -> LOGGER.warn("DKIM: {} signed without one of its keys: {}",
                    outcome.domain().orElse("?"), w));
                result(mail, "signed d=" + outcome.domain().orElse("?") + " s="
                    + outcome.keys().stream().map(k -> k.selector()).collect(Collectors.joining(",")));
                LOGGER.debug("DKIM: signed mail {} as {}", mail.getName(), outcome.domain().orElse("?"));
                break;
            case KEY_MISSING:
                metrics.increment(MetricNames.DKIM_FAILURES);
                if (outcome.action().orElse(WhenKeyMissing.SEND_UNSIGNED) == WhenKeyMissing.HOLD) {
                    hold(mail, outcome);
                } else {
                    LOGGER.warn("DKIM: sending mail {} of {} UNSIGNED: {}", mail.getName(), outcome.domain().orElse("?"),
                        outcome.detail());
                    result(mail, "unsigned: " + outcome.detail());
                }
                break;
            case UNSIGNABLE:
                LOGGER.warn("DKIM: sending mail {} unsigned: {}", mail.getName(), outcome.detail());
                result(mail, "unsigned: " + outcome.detail());
                break;
            default:
                LOGGER.debug("DKIM: mail {} not signed: {}", mail.getName(), outcome.detail());
                result(mail, "not signed: " + outcome.detail());
        }
    }

    private void hold(Mail mail, SigningOutcome outcome) throws MessagingException {
        Instant now = clock.instant();
        Instant heldSince = AttributeUtils.getValueAndCastFromMail(mail, HELD_SINCE, Long.class)
            .map(Instant::ofEpochMilli).orElse(now);
        String domain = outcome.domain().orElse("?");
        if (Duration.between(heldSince, now).compareTo(configuration.maxHold()) >= 0) {
            String message = "no usable DKIM key for " + domain + " since " + heldSince + " (" + outcome.detail() + ")";
            LOGGER.error("DKIM: gave up holding mail {}: {}; sending it to processor {}", mail.getName(), message,
                configuration.holdExpiredProcessor());
            mail.setErrorMessage(message);
            result(mail, "held too long: " + outcome.detail());
            mail.setState(configuration.holdExpiredProcessor());
            return;
        }
        mail.setAttribute(new Attribute(HELD_SINCE, AttributeValue.of(heldSince.toEpochMilli())));
        result(mail, "held: " + outcome.detail());
        String processor = mail.getState();
        LOGGER.warn("DKIM: holding mail {} of {} for {} (processor {}): {}", mail.getName(), domain,
            configuration.holdDelay(), processor, outcome.detail());
        try {
            spool.enQueue(mail, configuration.holdDelay());
        } catch (MailQueue.MailQueueException e) {
            throw new MessagingException("cannot hold mail " + mail.getName() + " for a DKIM retry", e);
        }
        mail.setState(Mail.GHOST);
    }

    private static void result(Mail mail, String text) {
        mail.setAttribute(new Attribute(RESULT, AttributeValue.of(text)));
    }

    private static byte[] bytes(Mail mail) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8,
            Math.max(1024, mail.getMessageSize())));
        mail.getMessage().writeTo(out);
        return out.toByteArray();
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return configuration == null ? List.of() : List.of(new ProcessingState(configuration.holdExpiredProcessor()));
    }

    @Override
    public String getMailetInfo() {
        return "Postbridge: DKIM signing (rsa-sha256, ed25519-sha256) with a key table and managed keys";
    }
}
