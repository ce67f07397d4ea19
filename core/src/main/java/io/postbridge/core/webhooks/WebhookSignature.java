package io.postbridge.core.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code webhook-signature} header of Standard Webhooks: {@code v1,} and the base64 HMAC-SHA256 of
 * {@code <webhook-id>.<webhook-timestamp>.<body>}, one per secret, separated by spaces (during a secret rotation
 * both the new and the previous secret sign, so receivers can switch at their own pace).
 */
public final class WebhookSignature {
    private WebhookSignature() {
    }

    public static String sign(WebhookSecret secret, String messageId, long timestampSeconds, byte[] body) {
        if (messageId.contains(".")) {
            throw new IllegalArgumentException("a webhook id must not contain '.'");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The header value: one signature per secret, in the order given (the current secret first). */
    public static String header(List<WebhookSecret> secrets, String messageId, long timestampSeconds, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("no secret to sign with");
        }
        return secrets.stream().map(secret -> sign(secret, messageId, timestampSeconds, body)).collect(Collectors.joining(" "));
    }
}
