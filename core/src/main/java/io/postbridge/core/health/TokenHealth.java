package io.postbridge.core.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.postbridge.core.oauth.TokenActivity;

/**
 * {@code Postbridge:tokens}: the providers' token endpoints answered recently, and no account needs a new consent.
 * <ul>
 * <li>degraded when an account's grant was refused ({@code invalid_grant}): its mail bounces until the user connects
 * again or an operator stores new credentials;</li>
 * <li>degraded when the last token request within the window got no answer but an earlier one did (mail is deferred
 * and retried);</li>
 * <li>unhealthy when token requests in the window got no answer and none was answered in it.</li>
 * </ul>
 */
public final class TokenHealth {
    private final TokenActivity activity;
    private final Supplier<Map<String, String>> reconsent;
    private final Clock clock;
    private final Duration window;

    /** @param reconsent the accounts needing a new consent, with the provider's reason */
    public TokenHealth(TokenActivity activity, Supplier<Map<String, String>> reconsent, Clock clock, Duration window) {
        this.activity = activity;
        this.reconsent = reconsent;
        this.clock = clock;
        this.window = window;
    }

    public HealthReport check() {
        Instant now = clock.instant();
        Instant since = now.minus(window);
        Optional<Instant> answered = activity.lastAnswer();
        Optional<Instant> unanswered = activity.lastNoAnswer().filter(at -> at.isAfter(since));
        if (unanswered.isPresent() && (answered.isEmpty() || answered.get().isBefore(since))) {
            return HealthReport.unhealthy("no token endpoint answered in the last " + minutes(window) + " (last failure at "
                + unanswered.get() + ": " + activity.lastNoAnswerReason().orElse("no answer")
                + "): check the network path to the provider (Gmail/Graph mail is deferred meanwhile)");
        }
        Map<String, String> accounts = new TreeMap<>(reconsent.get());
        if (!accounts.isEmpty()) {
            return HealthReport.degraded(accounts.size() + " account(s) need a new consent (invalid_grant): "
                + accounts.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
                + "; their mail bounces until the user connects again (consent page) or new credentials are stored"
                + " (PUT /postbridge/accounts/NAME/provider)");
        }
        if (unanswered.isPresent() && unanswered.get().isAfter(answered.get())) {
            return HealthReport.degraded("the last token request got no answer (" + unanswered.get() + ": "
                + activity.lastNoAnswerReason().orElse("no answer") + "); requests are retried");
        }
        return HealthReport.healthy();
    }

    private static String minutes(Duration duration) {
        return duration.toMinutes() > 0 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }
}
