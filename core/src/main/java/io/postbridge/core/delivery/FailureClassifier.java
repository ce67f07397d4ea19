package io.postbridge.core.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sorts a provider's answer into transient (try again: throttling, 5xx, timeouts, broken connections) and permanent
 * (bounce: bad request, send-as denied, mailbox not enabled, too large), following the error contracts of the Gmail
 * API and Microsoft Graph ({@code docs/oauth-relay-anchors.md} §2.1, §2.2).
 */
public final class FailureClassifier {
    // compiled once: this runs for every message
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 400;

    private final Clock clock;

    public FailureClassifier(Clock clock) {
        this.clock = clock;
    }

    public FailureClassifier() {
        this(Clock.systemUTC());
    }

    /** A non-success HTTP answer from {@code api} ("Gmail API", "Graph"). 401 is handled by the caller first. */
    public DeliveryOutcome classify(String api, int status, HttpHeaders headers, String body) {
        ApiError error = ApiError.parse(body);
        String detail = api + " answered " + status + error.describe();
        Optional<Duration> retryAfter = retryAfter(headers);
        String reasons = (error.code + " " + error.reasons + " " + error.message).toLowerCase(Locale.ROOT);

        if (status == 429 || status == 408 || status >= 500) {
            return DeliveryOutcome.transientFailure(detail, retryAfter);
        }
        if (status == 403 && (reasons.contains("ratelimitexceeded") || reasons.contains("dailylimitexceeded")
            || reasons.contains("quotaexceeded") || reasons.contains("concurrency"))) {
            return DeliveryOutcome.transientFailure(detail, retryAfter);
        }
        if (status == 413 || reasons.contains("messagesizeexceeded") || reasons.contains("toolarge")
            || reasons.contains("too large")) {
            return DeliveryOutcome.permanentFailure(detail, "5.3.4");
        }
        if (reasons.contains("sendasdenied") || reasons.contains("accessdenied") || reasons.contains("domainpolicy")
            || status == 403) {
            return DeliveryOutcome.permanentFailure(detail, "5.7.1");
        }
        if (reasons.contains("mailboxnotenabledforrestapi") || reasons.contains("mailboxnotsupportedforrestapi") || status == 404) {
            return DeliveryOutcome.permanentFailure(detail, "5.1.0");
        }
        // Graph's ErrorInvalidRecipients; Gmail's 400 invalidArgument "Invalid To header" (also Cc, Bcc)
        if (reasons.contains("invalidrecipients") || reasons.contains("invalid to header") || reasons.contains("invalid cc header")
            || reasons.contains("invalid bcc header")) {
            return DeliveryOutcome.permanentFailure(detail, "5.1.3");
        }
        if (status >= 400 && status < 500) {
            return DeliveryOutcome.permanentFailure(detail, "5.6.0");
        }
        // 1xx/3xx, or a 2xx that is not the documented success (Graph answers 200 instead of 202 on some failures)
        return DeliveryOutcome.transientFailure(detail + " (not the documented success status)", retryAfter);
    }

    /** A request that got no HTTP answer: timeouts and broken connections are transient. */
    public DeliveryOutcome classify(String api, Throwable failure) {
        Throwable e = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof HttpTimeoutException) {
            return DeliveryOutcome.transientFailure(api + " did not answer in time", Optional.empty());
        }
        if (e instanceof ConnectException) {
            return DeliveryOutcome.transientFailure(api + " unreachable: " + e.getMessage(), Optional.empty());
        }
        if (e instanceof IOException) {
            return DeliveryOutcome.transientFailure(api + " connection failed: " + e, Optional.empty());
        }
        return DeliveryOutcome.transientFailure(api + " request failed: " + e, Optional.empty());
    }

    /** {@code Retry-After}: delta-seconds or an HTTP date. */
    public Optional<Duration> retryAfter(HttpHeaders headers) {
        Optional<String> value = headers.firstValue("Retry-After").map(String::trim);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration delay = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
            } catch (DateTimeParseException ignored) {
                return Optional.empty();
            }
        }
    }

    static String shorten(String text) {
        String oneLine = WHITESPACE.matcher(text).replaceAll(" ").trim();
        return oneLine.length() > MAX_DETAIL ? oneLine.substring(0, MAX_DETAIL) + "..." : oneLine;
    }

    /** Google: {"error":{"code","message","errors":[{"reason"}],"status"}}; Graph: {"error":{"code","message"}}. */
    static final class ApiError {
        final String code;
        final String reasons;
        final String message;

        private ApiError(String code, String reasons, String message) {
            this.code = code;
            this.reasons = reasons;
            this.message = message;
        }

        static ApiError parse(String body) {
            if (body == null || body.isBlank()) {
                return new ApiError("", "", "");
            }
            try {
                JsonNode error = JSON.readTree(body).path("error");
                if (error.isTextual()) { // OAuth style: {"error":"invalid_grant","error_description":...}
                    return new ApiError(error.asText(), "", JSON.readTree(body).path("error_description").asText(""));
                }
                StringBuilder reasons = new StringBuilder();
                for (JsonNode item : error.path("errors")) {
                    reasons.append(item.path("reason").asText("")).append(' ');
                }
                String code = error.path("code").isTextual() ? error.path("code").asText() : error.path("status").asText("");
                return new ApiError(code, reasons.toString().trim(), error.path("message").asText(""));
            } catch (IOException e) {
                return new ApiError("", "", shorten(body));
            }
        }

        String describe() {
            StringBuilder text = new StringBuilder();
            if (!code.isEmpty()) {
                text.append(' ').append(code);
            }
            if (!reasons.isEmpty()) {
                text.append(" (").append(reasons).append(')');
            }
            if (!message.isEmpty()) {
                text.append(": ").append(shorten(message));
            }
            return text.toString();
        }
    }
}
