package io.postbridge.core.suppression;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.postbridge.core.bounce.Hardness;
import io.postbridge.core.metrics.MetricNames;
import io.postbridge.core.metrics.PostbridgeMetrics;

/**
 * The suppression rules, one place for the bounce handler, the SMTP delivery, the RCPT check and WebAdmin: a hard
 * bounce suppresses at once; soft bounces are counted in a window and suppress at N; a delivery resets the count;
 * a complaint suppresses with reason complaint. A recipient is suppressed for an account if it is on the
 * account's list or on the global one.
 */
public final class SuppressionList {
    private static final Pattern LINE_BREAKS = Pattern.compile("[\\r\\n]+");
    private final SuppressionRepository repository;
    private final SuppressionPolicy policy;
    private final BouncePolicyRepository policies;
    private final Clock clock;
    private volatile PostbridgeMetrics metrics = PostbridgeMetrics.NONE;

    public SuppressionList(SuppressionRepository repository, SuppressionPolicy policy, Clock clock) {
        this(repository, BouncePolicyRepository.NONE, policy, clock);
    }

    public SuppressionList(SuppressionRepository repository, BouncePolicyRepository policies, SuppressionPolicy policy, Clock clock) {
        this.policies = Objects.requireNonNull(policies);
        this.repository = Objects.requireNonNull(repository);
        this.policy = Objects.requireNonNull(policy);
        this.clock = Objects.requireNonNull(clock);
    }

    public SuppressionPolicy policy() {
        return policy;
    }

    /**
     * A failure to deliver to {@code recipient} for {@code account}: what the list now holds for it, if it is
     * suppressed after this failure. Soft failures below the threshold and unknown ones suppress nothing.
     */
    public Optional<Suppression> recordFailure(String account, String recipient, Hardness hardness, String source, String detail) {
        String address = normalise(recipient);
        Instant now = clock.instant();
        switch (hardness) {
            case HARD:
                repository.resetSoftBounces(account, address);
                metrics.increment(MetricNames.SUPPRESSIONS_ADDED);
                return Optional.of(repository.suppress(account, address, SuppressionReason.HARD_BOUNCE, source, detail, now, expiry(now)));
            case SOFT:
                int count = repository.countSoftBounce(account, address, now, policy.softWindow());
                if (count < softBounces(account)) {
                    return Optional.empty();
                }
                repository.resetSoftBounces(account, address);
                metrics.increment(MetricNames.SUPPRESSIONS_ADDED);
                return Optional.of(repository.suppress(account, address, SuppressionReason.SOFT_BOUNCES, source,
                    count + " soft bounces within " + policy.softWindow().toDays() + " days, the last: " + detail, now, expiry(now)));
            default:
                return Optional.empty();
        }
    }

    public Suppression recordComplaint(String account, String recipient, String detail) {
        Instant now = clock.instant();
        metrics.increment(MetricNames.SUPPRESSIONS_ADDED);
        return repository.suppress(account, normalise(recipient), SuppressionReason.COMPLAINT, "complaint", detail, now, expiry(now));
    }

    /** The account's overrides (WebAdmin), or none. */
    public AccountBouncePolicy policyOf(String account) {
        return policies.find(account).orElse(AccountBouncePolicy.defaults(account));
    }

    public BouncePolicyRepository policies() {
        return policies;
    }

    public int softBounces(String account) {
        return policyOf(account).softBounces().orElse(policy.softBounces());
    }

    public SuppressionPolicy.Enforcement enforcement(String account) {
        return policyOf(account).enforcement().orElse(policy.enforcement());
    }

    /** Whether an inbound bounce of the account's mail goes on to its sender (default: yes). */
    public boolean forwardsBounces(String account) {
        return policyOf(account).forwardBounces().orElse(true);
    }

    /** A message was delivered to {@code recipient}: its soft bounces are forgiven. */
    public void recordDelivery(String account, String recipient) {
        repository.resetSoftBounces(account, normalise(recipient));
    }

    /** The suppression that applies to {@code recipient} for {@code account}: the account's own first, then global. */
    public Optional<Suppression> check(String account, String recipient) {
        String address = normalise(recipient);
        Instant now = clock.instant();
        List<Suppression> entries = repository.find(account, Suppression.GLOBAL, address);
        Optional<Suppression> own = entries.stream().filter(s -> s.scope().equals(account) && s.activeAt(now)).findFirst();
        return own.isPresent() ? own
            : entries.stream().filter(s -> s.scope().equals(Suppression.GLOBAL) && s.activeAt(now)).findFirst();
    }

    /** An operator's entry (WebAdmin), for an account or {@link Suppression#GLOBAL}. */
    public Suppression add(String scope, String recipient, SuppressionReason reason, String detail) {
        Instant now = clock.instant();
        metrics.increment(MetricNames.SUPPRESSIONS_ADDED);
        return repository.suppress(scope, normalise(recipient), reason, "webadmin", detail, now, expiry(now));
    }

    public boolean remove(String scope, String recipient) {
        String address = normalise(recipient);
        repository.resetSoftBounces(scope, address);
        boolean removed = repository.remove(scope, address);
        if (removed) {
            metrics.increment(MetricNames.SUPPRESSIONS_REMOVED);
        }
        return removed;
    }

    /** Where additions and removals are counted. */
    public void recordTo(PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    public SuppressionRepository repository() {
        return repository;
    }

    /** The SMTP reply for a suppressed recipient: 550 5.7.1 for a complaint, 550 5.1.1 otherwise. */
    public static String[] rejection(Suppression s) {
        String status = s.reason() == SuppressionReason.COMPLAINT ? "5.7.1" : "5.1.1";
        String why;
        switch (s.reason()) {
            case COMPLAINT:
                why = "the recipient reported this sender's mail as spam";
                break;
            case SOFT_BOUNCES:
                why = "it bounced repeatedly";
                break;
            case MANUAL:
                why = "an operator suppressed it";
                break;
            default:
                why = "it bounced permanently";
                break;
        }
        return new String[] {"550", status + " <" + s.address() + ">: suppressed since " + s.firstSeen() + " ("
            + s.reason().wireName() + (s.isGlobal() ? ", every account" : "") + "): " + why
            + (s.detail().isEmpty() ? "" : ": " + truncate(s.detail(), 200))};
    }

    private static String truncate(String s, int max) {
        String oneLine = LINE_BREAKS.matcher(s).replaceAll(" ");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
    }

    private Optional<Instant> expiry(Instant now) {
        return policy.expiry().map(now::plus);
    }

    static String normalise(String address) {
        return address.trim().toLowerCase(Locale.ROOT);
    }
}
