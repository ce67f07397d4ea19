package io.postbridge.core.delivery.smtp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.RecipientOutcomes;

/**
 * Chooses the route of a message and delivers it: an account's own upstream, else the server-wide smarthosts (tried
 * in order), else each recipient domain's mail exchangers directly (MX preference order, implicit MX). A domain that
 * does not exist or has a null MX bounces at once; a resolver failure is temporary and retried.
 */
public final class SmtpDeliveryAgent {
    /** When an account with its own upstream may use the server-wide route instead. */
    public enum Fallback {
        /** Only accounts without an upstream use the server-wide route (the default). */
        WHEN_UNSET("when-unset"),
        /** Also when the account's upstream fails temporarily (changes the sending identity: opt-in). */
        ON_TEMPORARY_FAILURE("on-temporary-failure"),
        /** Never, not even without an upstream. */
        NEVER("never");

        private final String wireName;

        Fallback(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Fallback> fromWireName(String name) {
            for (Fallback value : values()) {
                if (value.wireName.equalsIgnoreCase(name.trim())) {
                    return Optional.of(value);
                }
            }
            return Optional.empty();
        }
    }

    private final SmtpSender sender;
    private final MailExchangers dns;
    private final int mxPort;
    private final List<SmtpRoute> smarthosts;
    /** The accounts' default relay (postbridge.properties smtp.relay.*); empty: the server-wide route. */
    private final List<SmtpRoute> accountRelay;
    private final java.time.Clock clock;
    /** Told when an account's upstream token endpoint refuses its grant, as the API delivery tells it. */
    private final io.postbridge.core.delivery.ProviderAccounts accounts;
    /** Per-upstream rate limits ({@code messagesPerMinute}), counted in this server. */
    private final io.postbridge.core.ratelimit.RateLimiter upstreamRates;

    /**
     * @param smarthosts the server-wide relays, in order; empty for direct MX delivery
     * @param accountRelay the relays of accounts' mail when the account has no upstream of its own (the default relay
     *                     of {@code postbridge.properties}); empty: accounts use the server-wide route too
     */
    public SmtpDeliveryAgent(SmtpSender sender, MailExchangers dns, int mxPort, List<SmtpRoute> smarthosts, List<SmtpRoute> accountRelay,
                             io.postbridge.core.delivery.ProviderAccounts accounts, java.time.Clock clock) {
        this.sender = sender;
        this.accounts = accounts;
        this.dns = dns;
        this.mxPort = mxPort;
        this.smarthosts = List.copyOf(smarthosts);
        this.accountRelay = List.copyOf(accountRelay);
        this.clock = clock;
        this.upstreamRates = new io.postbridge.core.ratelimit.InMemoryRateLimiter(clock);
    }

    public SmtpDeliveryAgent(SmtpSender sender, MailExchangers dns, int mxPort, List<SmtpRoute> smarthosts,
                             io.postbridge.core.delivery.ProviderAccounts accounts, java.time.Clock clock) {
        this(sender, dns, mxPort, smarthosts, List.of(), accounts, clock);
    }

    public SmtpSender sender() {
        return sender;
    }

    /** Through the server-wide route (mail of no account: forwarded mail, DSNs). */
    public RecipientOutcomes deliver(OutgoingMail mail) {
        return smarthosts.isEmpty() ? direct(mail) : sender.deliver(smarthosts, mail);
    }

    /** Mail of an account without an upstream of its own: the accounts' default relay, else the server-wide route. */
    public RecipientOutcomes deliverForAccount(OutgoingMail mail) {
        return accountRelay.isEmpty() ? deliver(mail) : sender.deliver(accountRelay, mail);
    }

    /**
     * The mail of {@code account} with these upstream settings: its upstream (within its rate limit, else deferred
     * until the next minute) or the server-wide route, following its fallback policy.
     */
    public RecipientOutcomes deliver(String account, SmtpUpstream upstream, OutgoingMail mail) {
        Optional<SmtpRoute> route = upstream.route(account);
        if (route.isPresent() && upstream.messagesPerMinute().isPresent()
            && !upstreamRates.tryAcquire("smtp-upstream:" + account, io.postbridge.core.ratelimit.RateWindow.MINUTE, 1,
                upstream.messagesPerMinute().get())) {
            java.time.Instant now = clock.instant();
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.transientFailure("the upstream's rate limit of "
                + upstream.messagesPerMinute().get() + " messages per minute is reached",
                Optional.of(java.time.Duration.between(now, io.postbridge.core.ratelimit.RateWindow.MINUTE.nextStart(now)))));
        }
        RecipientOutcomes outcomes = deliver(route, upstream.fallback(), mail);
        outcomes.byRecipient().values().stream().filter(DeliveryOutcome::isReconsentNeeded).findFirst()
            .ifPresent(refused -> accounts.reconsentNeeded(account, refused.detail()));
        return outcomes;
    }

    /** Through {@code upstream} if the account has one, following its fallback policy. */
    public RecipientOutcomes deliver(Optional<SmtpRoute> upstream, Fallback fallback, OutgoingMail mail) {
        if (upstream.isEmpty()) {
            if (fallback == Fallback.NEVER) {
                return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.transientFailure(
                    "the account has no upstream SMTP server and its fallback policy is 'never'", Optional.empty()));
            }
            return deliverForAccount(mail);
        }
        RecipientOutcomes outcomes = sender.deliver(List.of(upstream.get()), mail);
        List<String> later = outcomes.recipients(DeliveryOutcome.Kind.TRANSIENT);
        if (fallback != Fallback.ON_TEMPORARY_FAILURE || later.isEmpty()) {
            return outcomes;
        }
        RecipientOutcomes retried = deliverForAccount(new OutgoingMail(mail.name(), mail.sender(), later, mail.content()));
        Map<String, DeliveryOutcome> merged = new LinkedHashMap<>(outcomes.byRecipient());
        merged.putAll(retried.byRecipient());
        return RecipientOutcomes.of(merged);
    }

    /** Each recipient domain to its own mail exchangers. */
    private RecipientOutcomes direct(OutgoingMail mail) {
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String recipient : mail.recipients()) {
            byDomain.computeIfAbsent(domainOf(recipient), d -> new ArrayList<>()).add(recipient);
        }
        Map<String, DeliveryOutcome> outcomes = new LinkedHashMap<>();
        byDomain.forEach((domain, recipients) -> {
            OutgoingMail part = new OutgoingMail(mail.name(), mail.sender(), recipients, mail.content());
            outcomes.putAll(toDomain(domain, part).byRecipient());
        });
        Map<String, DeliveryOutcome> ordered = new LinkedHashMap<>();
        mail.recipients().forEach(r -> ordered.put(r, outcomes.get(r)));
        return RecipientOutcomes.of(ordered);
    }

    private RecipientOutcomes toDomain(String domain, OutgoingMail mail) {
        List<String> exchangers;
        try {
            exchangers = dns.mailExchangers(domain);
        } catch (MailExchangers.TemporaryFailure e) {
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.transientFailure("DNS lookup of the mail servers of "
                + domain + " failed: " + e.getMessage(), Optional.empty()));
        }
        if (exchangers.isEmpty()) {
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.permanentFailure("the domain " + domain
                + " does not exist or has no mail server (no MX and no address record)", "5.1.2"));
        }
        if (exchangers.size() == 1 && (exchangers.get(0).equals(".") || exchangers.get(0).isEmpty())) {
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.permanentFailure("the domain " + domain
                + " accepts no mail (null MX, RFC 7505)", "5.1.10"));
        }
        List<SmtpRoute> routes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String host : exchangers) {
            try {
                List<String> addresses = dns.addresses(host);
                if (addresses.isEmpty()) {
                    problems.add(host + " has no address");
                }
                addresses.forEach(address -> routes.add(SmtpRoute.mx(host, address, mxPort)));
            } catch (MailExchangers.TemporaryFailure e) {
                problems.add("DNS lookup of " + host + " failed: " + e.getMessage());
            }
        }
        if (routes.isEmpty()) {
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.transientFailure("no mail server of " + domain
                + " could be resolved: " + String.join("; ", problems), Optional.empty()));
        }
        return sender.deliver(routes, mail);
    }

    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }
}
