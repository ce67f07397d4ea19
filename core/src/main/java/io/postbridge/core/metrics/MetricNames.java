package io.postbridge.core.metrics;

import java.util.Locale;

import io.postbridge.core.events.MailEventType;

/**
 * The names of Postbridge's metrics, as documented in docs/observability.md. James's Prometheus export
 * (WebAdmin {@code GET /metrics}) writes dots as underscores and adds {@code _total} to counters: the counter
 * {@code postbridge.delivery.gmail.ok} is scraped as {@code postbridge_delivery_gmail_ok_total}. Variable parts
 * (mechanism, reason, route, class, queue) are lower case with underscores only.
 */
public final class MetricNames {
    public static final String PREFIX = "postbridge.";

    /** Counter: token requests sent to a provider's token endpoint (cache misses and refreshes). */
    public static final String TOKEN_REQUESTS = "postbridge.token.requests";
    /** Counter: token requests that failed (any reason). */
    public static final String TOKEN_FAILURES = "postbridge.token.failures";
    /** Counter: token requests refused with {@code invalid_grant} (the account needs a new consent). */
    public static final String TOKEN_INVALID_GRANT = "postbridge.token.invalid_grant";
    /** Counter: DKIM signing failures (a key of the domain missing or unusable when mail had to be signed). */
    public static final String DKIM_FAILURES = "postbridge.dkim.failures";
    public static final String SUPPRESSIONS_ADDED = "postbridge.suppression.added";
    public static final String SUPPRESSIONS_REMOVED = "postbridge.suppression.removed";
    /** Counter: webhook requests the receiver accepted (2xx). */
    public static final String WEBHOOK_DELIVERED = "postbridge.webhook.delivered";
    /** Counter: webhook attempts that failed (non-2xx, timeout, refused target). */
    public static final String WEBHOOK_FAILED = "postbridge.webhook.failed";
    /** Gauge: webhook deliveries waiting in the outbox. */
    public static final String WEBHOOK_BACKLOG = "postbridge.webhook.backlog";
    /** Gauge: accounts whose provider refused the grant and that need a new consent. */
    public static final String ACCOUNTS_RECONSENT = "postbridge.accounts.reconsent_needed";
    /** Gauges: SMTP delivery pool connections, all pools together. */
    public static final String POOL_OPEN = "postbridge.smtp.pool.open";
    public static final String POOL_IDLE = "postbridge.smtp.pool.idle";
    /** Gauge (only grows): messages sent on a connection that had already sent one (reuses). */
    public static final String POOL_REUSED = "postbridge.smtp.pool.reused";

    /** Why an SMTP command was refused. */
    public enum Refusal {
        /** The sender is not allowed for the account (MAIL FROM / From). */
        POLICY,
        /** The account's message or recipient limit. */
        RATE_LIMIT,
        /** The recipient is on the suppression list. */
        SUPPRESSION,
        /** AUTH refused without checking: too many failures from this client or for this user. */
        THROTTLE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a delivery attempt went. */
    public enum Route {
        GMAIL, GRAPH, SMTP_UPSTREAM, SMARTHOST, MX;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a delivery attempt ended, for the recipients concerned. */
    public enum Outcome {
        OK, TRANSIENT, PERMANENT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private MetricNames() {
    }

    /** Counter: SMTP AUTH outcomes, e.g. {@code postbridge.smtp.auth.plain.ok}, {@code postbridge.smtp.auth.login.invalid}. */
    public static String smtpAuth(String mechanism, String result) {
        return PREFIX + "smtp.auth." + part(mechanism) + "." + part(result);
    }

    /** Counter: SMTP commands refused, e.g. {@code postbridge.smtp.refused.rate_limit}. */
    public static String refused(Refusal reason) {
        return PREFIX + "smtp.refused." + reason.label();
    }

    /** Counter: delivery attempts per route and outcome, e.g. {@code postbridge.delivery.mx.transient}. */
    public static String delivery(Route route, Outcome outcome) {
        return PREFIX + "delivery." + route.label() + "." + outcome.label();
    }

    /** Timer: how long delivery attempts take per route, e.g. {@code postbridge.delivery.gmail.latency}. */
    public static String deliveryLatency(Route route) {
        return PREFIX + "delivery." + route.label() + ".latency";
    }

    /** Counter: mail events per type, e.g. {@code postbridge.mail.received}, {@code postbridge.mail.bounced}. */
    public static String mailEvent(MailEventType type) {
        return PREFIX + "mail." + type.name().toLowerCase(Locale.ROOT);
    }

    /** Counter: DKIM signatures added per algorithm, e.g. {@code postbridge.dkim.signed.rsa_sha256}. */
    public static String dkimSigned(String algorithm) {
        return PREFIX + "dkim.signed." + part(algorithm);
    }

    /** Counter: inbound bounces parsed, per class, e.g. {@code postbridge.bounce.parsed.hard}. */
    public static String bounceParsed(String bounceClass) {
        return PREFIX + "bounce.parsed." + part(bounceClass);
    }

    /**
     * The counters of one parsed inbound message: a bounce counts once per recipient by hardness
     * ({@code postbridge.bounce.parsed.hard}, {@code .soft}, {@code .unknown}); anything else once by kind
     * ({@code .complaint}, {@code .auto_reply}, {@code .delivered}, {@code .not_a_bounce}).
     */
    public static java.util.List<String> bounceParsed(io.postbridge.core.bounce.BounceReport report) {
        if (report.kind() != io.postbridge.core.bounce.BounceKind.BOUNCE || report.recipients().isEmpty()) {
            return java.util.List.of(bounceParsed(report.kind().wireName()));
        }
        return report.recipients().stream().map(r -> bounceParsed(r.hardness().name())).collect(java.util.stream.Collectors.toList());
    }

    /** Gauge: mails waiting in a James mail queue, e.g. {@code postbridge.queue.postbridge_api.depth}. */
    public static String queueDepth(String queue) {
        return PREFIX + "queue." + part(queue) + ".depth";
    }

    /** Lower case, anything but letters and digits as '_': what Prometheus accepts in a name. */
    static String part(String value) {
        String cleaned = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return cleaned.isEmpty() ? "unknown" : cleaned;
    }
}
