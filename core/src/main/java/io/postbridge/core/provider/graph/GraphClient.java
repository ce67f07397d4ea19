package io.postbridge.core.provider.graph;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.postbridge.core.http.BoundedHttp;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.FailureClassifier;
import io.postbridge.core.delivery.ProviderCall;

/**
 * Microsoft Graph {@code POST {base}/users/{mailbox}/sendMail} in MIME mode: {@code Content-Type: text/plain}, the
 * body the base64 of the whole message. Only {@code 202 Accepted} is success (Graph has answered 200 to MIME it did
 * not send). Messages whose base64 would not fit Graph's ~4 MB request limit go through
 * {@link GraphLargeMessage} (draft + upload sessions + send). Non-blocking.
 */
public final class GraphClient {
    public static final URI DEFAULT_BASE = URI.create("https://graph.microsoft.com/v1.0");
    /** Raw size above which sendMail is not used: its base64 (4/3 larger) must stay under Graph's 4 MB request cap. */
    public static final long DEFAULT_SENDMAIL_LIMIT = 3_000_000;
    /** Graph's limit for one attachment through an upload session. */
    public static final long MAX_ATTACHMENT_BYTES = 150L * 1024 * 1024;
    static final String API = "Graph";

    private final HttpClient http;
    private final String base;
    private final Duration timeout;
    private final FailureClassifier classifier;
    private final long sendMailLimit;

    public GraphClient(HttpClient http, URI base, Duration timeout, FailureClassifier classifier, long sendMailLimit) {
        this.http = Objects.requireNonNull(http);
        this.base = base.toString().replaceAll("/+$", "");
        this.timeout = Objects.requireNonNull(timeout);
        this.classifier = Objects.requireNonNull(classifier);
        this.sendMailLimit = sendMailLimit;
    }

    /** Sends {@code message} (already carrying the Bcc of envelope-only recipients) from {@code mailbox}. */
    public CompletableFuture<ProviderCall> send(String accessToken, String mailbox, byte[] message) {
        if (message.length > sendMailLimit) {
            return new GraphLargeMessage(this, accessToken, mailbox, message).send();
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(userUrl(mailbox) + "/sendMail"))
            .timeout(timeout)
            .header("Authorization", "Bearer " + accessToken)
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Base64.getEncoder().encode(message)))
            .build();
        return BoundedHttp.sendAsync(http, request, HttpResponse.BodyHandlers.ofString())
            .handle((response, error) -> {
                if (error != null) {
                    return ProviderCall.outcome(classifier.classify(API, error));
                }
                return answer(response, 202, "sendMail");
            });
    }

    ProviderCall answer(HttpResponse<String> response, int success, String step) {
        if (response.statusCode() == 401) {
            return ProviderCall.unauthorized(API + " " + step + " answered 401");
        }
        if (response.statusCode() == success) {
            return ProviderCall.outcome(DeliveryOutcome.delivered("accepted by Microsoft Graph (" + step + ")",
                requestId(response)).via("graph-api", java.util.Optional.empty()));
        }
        DeliveryOutcome failure = classifier.classify(API + " " + step, response.statusCode(), response.headers(), response.body());
        return ProviderCall.outcome(failure);
    }

    /** Graph returns no message id on 202; its {@code request-id} identifies the send in Microsoft's logs. */
    static Optional<String> requestId(HttpResponse<?> response) {
        return response.headers().firstValue("request-id").or(() -> response.headers().firstValue("client-request-id"));
    }

    String userUrl(String mailbox) {
        return base + "/users/" + pathSegment(mailbox);
    }

    static String pathSegment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "@._-+".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    HttpClient http() {
        return http;
    }

    Duration timeout() {
        return timeout;
    }

    FailureClassifier classifier() {
        return classifier;
    }

    long sendMailLimit() {
        return sendMailLimit;
    }
}
