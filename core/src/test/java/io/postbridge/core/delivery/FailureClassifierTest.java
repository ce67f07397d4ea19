package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FailureClassifierTest {
    private final FailureClassifier classifier = new FailureClassifier(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

    private static HttpHeaders headers(Map<String, String> values) {
        java.util.Map<String, List<String>> map = new java.util.HashMap<>();
        values.forEach((k, v) -> map.put(k, List.of(v)));
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @Test
    void throttlingAndServerErrorsAreTransient() {
        assertThat(classifier.classify("Graph", 429, headers(Map.of("Retry-After", "30")), "").retryAfter())
            .contains(Duration.ofSeconds(30));
        assertThat(classifier.classify("Graph", 503, headers(Map.of()), "").kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(classifier.classify("Gmail API", 403, headers(Map.of()),
            "{\"error\":{\"code\":403,\"errors\":[{\"domain\":\"usageLimits\",\"reason\":\"userRateLimitExceeded\"}],\"message\":\"slow down\"}}")
            .kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(classifier.classify("Graph", new HttpTimeoutException("t")).kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
        assertThat(classifier.classify("Graph", new ConnectException("refused")).kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
    }

    @Test
    void retryAfterAsAnHttpDate() {
        assertThat(classifier.retryAfter(headers(Map.of("Retry-After", "Sat, 21 Nov 2026 10:02:00 GMT")))).contains(Duration.ofMinutes(2));
    }

    @Test
    void clientErrorsArePermanentWithAFittingStatus() {
        assertThat(classifier.classify("Gmail API", 403, headers(Map.of()),
            "{\"error\":{\"code\":403,\"errors\":[{\"reason\":\"domainPolicy\"}],\"message\":\"The domain administrators have disabled Gmail apps.\"}}")
            .status()).isEqualTo("5.7.1");
        assertThat(classifier.classify("Graph", 413, headers(Map.of()), "{\"error\":{\"code\":\"RequestEntityTooLarge\"}}").status())
            .isEqualTo("5.3.4");
        assertThat(classifier.classify("Graph", 400, headers(Map.of()), "{\"error\":{\"code\":\"ErrorMessageSizeExceeded\"}}").status())
            .isEqualTo("5.3.4");
        DeliveryOutcome invalid = classifier.classify("Graph", 400, headers(Map.of()),
            "{\"error\":{\"code\":\"ErrorMimeContentInvalidBase64String\",\"message\":\"Invalid base64 string for MIME content.\"}}");
        assertThat(invalid.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(invalid.detail()).isEqualTo("Graph answered 400 ErrorMimeContentInvalidBase64String: Invalid base64 string for MIME content.");
    }

    @Test
    void gmailsInvalidToHeaderIsARecipientAddressProblem() {
        assertThat(classifier.classify("Gmail API", 400, headers(Map.of()),
            "{\"error\":{\"code\":400,\"message\":\"Invalid To header\",\"errors\":[{\"reason\":\"invalidArgument\"}]}}").status())
            .isEqualTo("5.1.3");
    }

    @Test
    void aSuccessStatusOtherThanTheDocumentedOneIsNotDelivered() {
        assertThat(classifier.classify("Graph", 200, headers(Map.of()), "{}").kind()).isEqualTo(DeliveryOutcome.Kind.TRANSIENT);
    }
}
