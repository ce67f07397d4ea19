package io.postbridge.core.provider.graph;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.http.BoundedHttp;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.ProviderCall;

/**
 * Graph's path for messages too large for sendMail (https://learn.microsoft.com/graph/outlook-large-attachments):
 * <ol>
 * <li>{@code POST /users/{m}/messages}: a draft from the message without its large attachments (base64 MIME);</li>
 * <li>per attachment: {@code POST .../attachments} (under 3 MB) or {@code POST .../attachments/createUploadSession}
 * then {@code PUT} ranges of at most 4 MB to the pre-authenticated {@code uploadUrl} (no Authorization header);</li>
 * <li>{@code POST /users/{m}/messages/{id}/send}: 202.</li>
 * </ol>
 * A draft left behind by a failed attempt is deleted, so retries do not pile drafts up in the mailbox.
 */
final class GraphLargeMessage {
    /** Upload chunks must be multiples of 320 KiB; 12 x 320 KiB stays under the 4 MB per request limit. */
    static final int CHUNK = 12 * 320 * 1024;
    private static final long SMALL_ATTACHMENT = 3L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GraphClient client;
    private final String token;
    private final String mailbox;
    private final byte[] message;

    GraphLargeMessage(GraphClient client, String token, String mailbox, byte[] message) {
        this.client = client;
        this.token = token;
        this.mailbox = mailbox;
        this.message = message;
    }

    CompletableFuture<ProviderCall> send() {
        MimeSplitter.Split split;
        try {
            split = MimeSplitter.split(message, client.sendMailLimit());
        } catch (Exception e) {
            return done(DeliveryOutcome.permanentFailure("message too large for one Graph request and its MIME cannot be"
                + " parsed to upload its attachments separately: " + e.getMessage(), "5.6.0"));
        }
        if (split.remainder.length > client.sendMailLimit()) {
            return done(DeliveryOutcome.permanentFailure("message too large for Graph: even without its attachments it is "
                + split.remainder.length + " bytes, over the " + client.sendMailLimit() + " bytes of one request", "5.3.4"));
        }
        for (DetachedAttachment attachment : split.attachments) {
            if (attachment.content().length > GraphClient.MAX_ATTACHMENT_BYTES) {
                return done(DeliveryOutcome.permanentFailure("attachment '" + attachment.name() + "' is larger than the"
                    + " 150 MB Graph accepts", "5.3.4"));
            }
        }
        return post("/messages", "text/plain", Base64.getEncoder().encode(split.remainder))
            .thenCompose(response -> {
                if (response.statusCode() != 201) {
                    return CompletableFuture.completedFuture(client.answer(response, 201, "create draft"));
                }
                String id = json(response.body()).path("id").asText("");
                if (id.isEmpty()) {
                    return done(DeliveryOutcome.transientFailure("Graph created a draft without an id", java.util.Optional.empty()));
                }
                return attachAll(id, split.attachments, 0)
                    .thenCompose(call -> call.isUnauthorized() || call.outcome().kind() != DeliveryOutcome.Kind.DELIVERED
                        ? CompletableFuture.completedFuture(call)
                        : post("/messages/" + GraphClient.pathSegment(id) + "/send", "application/json", new byte[0])
                            .thenApply(sent -> client.answer(sent, 202, "send draft")))
                    .thenCompose(call -> {
                        boolean sent = !call.isUnauthorized() && call.outcome().kind() == DeliveryOutcome.Kind.DELIVERED;
                        return sent ? CompletableFuture.completedFuture(call) : deleteDraft(id).thenApply(ignored -> call);
                    });
            })
            .exceptionally(error -> ProviderCall.outcome(client.classifier().classify(GraphClient.API, error)));
    }

    private CompletableFuture<ProviderCall> attachAll(String id, List<DetachedAttachment> attachments, int index) {
        if (index == attachments.size()) {
            return done(DeliveryOutcome.delivered("attachments uploaded", java.util.Optional.empty()));
        }
        DetachedAttachment attachment = attachments.get(index);
        CompletableFuture<ProviderCall> one = attachment.content().length < SMALL_ATTACHMENT
            ? attachSmall(id, attachment) : uploadSession(id, attachment);
        return one.thenCompose(call -> call.isUnauthorized() || call.outcome().kind() != DeliveryOutcome.Kind.DELIVERED
            ? CompletableFuture.completedFuture(call) : attachAll(id, attachments, index + 1));
    }

    private CompletableFuture<ProviderCall> attachSmall(String id, DetachedAttachment attachment) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("@odata.type", "#microsoft.graph.fileAttachment");
        body.put("name", attachment.name());
        body.put("contentType", attachment.contentType());
        body.put("isInline", attachment.inline());
        attachment.contentId().ifPresent(cid -> body.put("contentId", cid));
        body.put("contentBytes", Base64.getEncoder().encodeToString(attachment.content()));
        return post("/messages/" + GraphClient.pathSegment(id) + "/attachments", "application/json", toJson(body))
            .thenApply(response -> client.answer(response, 201, "add attachment"));
    }

    private CompletableFuture<ProviderCall> uploadSession(String id, DetachedAttachment attachment) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("attachmentType", "file");
        item.put("name", attachment.name());
        item.put("size", attachment.content().length);
        item.put("contentType", attachment.contentType());
        item.put("isInline", attachment.inline());
        attachment.contentId().ifPresent(cid -> item.put("contentId", cid));
        return post("/messages/" + GraphClient.pathSegment(id) + "/attachments/createUploadSession", "application/json",
            toJson(Map.of("AttachmentItem", item)))
            .thenCompose(response -> {
                if (response.statusCode() != 201) {
                    return CompletableFuture.completedFuture(client.answer(response, 201, "create upload session"));
                }
                String uploadUrl = json(response.body()).path("uploadUrl").asText("");
                if (uploadUrl.isEmpty()) {
                    return done(DeliveryOutcome.transientFailure("Graph created an upload session without uploadUrl",
                        java.util.Optional.empty()));
                }
                return putChunks(URI.create(uploadUrl), attachment.content(), 0);
            });
    }

    private CompletableFuture<ProviderCall> putChunks(URI uploadUrl, byte[] content, int offset) {
        int end = Math.min(offset + CHUNK, content.length);
        HttpRequest request = HttpRequest.newBuilder(uploadUrl)
            .timeout(client.timeout())
            .header("Content-Type", "application/octet-stream")
            .header("Content-Range", "bytes " + offset + "-" + (end - 1) + "/" + content.length)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content, offset, end - offset))
            .build();
        return BoundedHttp.sendAsync(client.http(), request, HttpResponse.BodyHandlers.ofString())
            .thenCompose(response -> {
                boolean last = end == content.length;
                if (last) {
                    return CompletableFuture.completedFuture(client.answer(response, 201, "upload attachment"));
                }
                if (response.statusCode() != 200) {
                    return CompletableFuture.completedFuture(client.answer(response, 200, "upload attachment range"));
                }
                return putChunks(uploadUrl, content, end);
            });
    }

    private CompletableFuture<Void> deleteDraft(String id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(client.userUrl(mailbox) + "/messages/" + GraphClient.pathSegment(id)))
            .timeout(client.timeout())
            .header("Authorization", "Bearer " + token)
            .DELETE()
            .build();
        return BoundedHttp.sendAsync(client.http(), request, HttpResponse.BodyHandlers.discarding())
            .handle((response, error) -> null);
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(client.userUrl(mailbox) + path))
            .timeout(client.timeout())
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        return BoundedHttp.sendAsync(client.http(), request, HttpResponse.BodyHandlers.ofString());
    }

    private static CompletableFuture<ProviderCall> done(DeliveryOutcome outcome) {
        return CompletableFuture.completedFuture(ProviderCall.outcome(outcome));
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String body) {
        try {
            return JSON.readTree(body == null ? "{}" : body);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    private static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
