package io.postbridge.core.bounce;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable JSON form of a {@link BounceReport} (version 1), as {@code POST /postbridge/bounces/parse} returns it
 * and events store it. Documented field by field in docs/bounces.md; fields are only ever added, never renamed.
 */
public final class BounceReportJson {
    public static final int VERSION = 1;

    private BounceReportJson() {
    }

    public static Map<String, Object> toMap(BounceReport report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", VERSION);
        json.put("kind", report.kind().wireName());
        json.put("format", report.format());
        json.put("feedbackType", report.feedbackType().orElse(null));
        json.put("limitHit", report.limitHit().orElse(null));
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("messageId", report.original().get("message-id"));
        original.put("from", report.original().get("from"));
        original.put("to", report.original().get("to"));
        original.put("subject", report.original().get("subject"));
        original.put("date", report.original().get("date"));
        json.put("original", original);
        List<Map<String, Object>> recipients = new ArrayList<>();
        for (BouncedRecipient r : report.recipients()) {
            recipients.add(toMap(r));
        }
        json.put("recipients", recipients);
        return json;
    }

    public static Map<String, Object> toMap(BouncedRecipient r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", r.address());
        json.put("action", r.action());
        json.put("status", r.status().map(EnhancedStatus::toString).orElse(null));
        json.put("hardness", r.hardness().wireName());
        json.put("reason", r.reason().wireName());
        json.put("remoteReply", r.remoteReply());
        json.put("remoteMta", r.remoteMta().orElse(null));
        json.put("confidence", Math.round(r.confidence() * 100) / 100.0);
        return json;
    }
}
