package io.postbridge.core.provider.gmail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.http.BoundedHttp;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.FailureClassifier;
import io.postbridge.core.delivery.ProviderCall;

/**
 * Gmail API {@code users.messages.send} through the media upload endpoint:
 * {@code POST {base}/upload/gmail/v1/users/me/messages/send?uploadType=media} with the raw message as
 * {@code Content-Type: message/rfc822} (no base64 inflation; up to Gmail's 35 MB). Non-blocking.
 */
public final class GmailClient {
    // compiled once: this runs for every message
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    public static final URI DEFAULT_BASE = URI.create("https://gmail.googleapis.com");
    /** Gmail's media upload limit for messages.send ({@code maxSize: 35MB} in the discovery document). */
    public static final long MAX_MESSAGE_BYTES = 35L * 1024 * 1024;
    static final String API = "Gmail API";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final URI sendUri;
    private final Duration timeout;
    private final FailureClassifier classifier;

    public GmailClient(HttpClient http, URI base, Duration timeout, FailureClassifier classifier) {
        this.http = Objects.requireNonNull(http);
        String root = base.toString().replaceAll("/+$", "");
        this.sendUri = URI.create(root + "/upload/gmail/v1/users/me/messages/send?uploadType=media");
        this.timeout = Objects.requireNonNull(timeout);
        this.classifier = Objects.requireNonNull(classifier);
    }

    /** Sends {@code message} (already carrying the Bcc of envelope-only recipients) as the token's user. */
    public CompletableFuture<ProviderCall> send(String accessToken, byte[] message) {
        if (message.length > MAX_MESSAGE_BYTES) {
            return CompletableFuture.completedFuture(ProviderCall.outcome(DeliveryOutcome.permanentFailure(
                "message of " + message.length + " bytes is larger than the Gmail API accepts (35 MB)", "5.3.4")));
        }
        HttpRequest request = HttpRequest.newBuilder(sendUri)
            .timeout(timeout)
            .header("Authorization", "Bearer " + accessToken)
            .header("Content-Type", "message/rfc822")
            .POST(HttpRequest.BodyPublishers.ofByteArray(message))
            .build();
        return BoundedHttp.sendAsync(http, request, HttpResponse.BodyHandlers.ofString())
            .handle((response, error) -> {
                if (error != null) {
                    return ProviderCall.outcome(classifier.classify(API, error));
                }
                if (response.statusCode() == 401) {
                    return ProviderCall.unauthorized(API + " answered 401: " + shortBody(response.body()));
                }
                if (response.statusCode() == 200) {
                    return ProviderCall.outcome(DeliveryOutcome.delivered("accepted by the Gmail API", messageId(response.body())).via("gmail-api", Optional.empty()));
                }
                return ProviderCall.outcome(classifier.classify(API, response.statusCode(), response.headers(), response.body()));
            });
    }

    private static Optional<String> messageId(String body) {
        try {
            String id = JSON.readTree(body).path("id").asText("");
            return id.isEmpty() ? Optional.empty() : Optional.of(id);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String shortBody(String body) {
        String oneLine = body == null ? "" : WHITESPACE.matcher(body).replaceAll(" ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) : oneLine;
    }
}
