package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/**
 * {@code GET /postbridge/events?limit=100&type=delivered&account=billing}: the newest mail events, newest first,
 * optionally of one type and of one account. Kept in the Postbridge store for {@code events.retention}
 * ({@code postbridge.properties}, default 30 days), so they survive restarts and every node lists every node's events.
 * Enabled by {@code extensions.routes=io.postbridge.auth.webadmin.MailEventRoutes} in {@code webadmin.properties}.
 */
public class MailEventRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/events";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private final MailEventLog eventLog;

    @Inject
    public MailEventRoutes(MailEventLog eventLog, JsonTransformer jsonTransformer) {
        super(BASE_PATH, jsonTransformer);
        this.eventLog = eventLog;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes.get(BASE_PATH, (request, response) -> {
            int limit = JsonBody.queryInteger(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
            Optional<MailEventType> type = JsonBody.queryChoice(request, "type", MailEventType::fromWireName, MailEventType.allWireNames());
            Optional<String> account = JsonBody.queryString(request, "account");
            List<MailEvent> events = eventLog.recent(limit, type, account);
            return events.stream().map(MailEventRoutes::toJson).collect(Collectors.toList());
        });
    }

    private static Map<String, Object> toJson(MailEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("at", event.getAt().toString());
        json.put("type", event.getType().wireName());
        json.put("mail", event.getMailName());
        json.put("messageId", event.getMessageId().orElse(null));
        json.put("sender", event.getSender().orElse(""));
        json.put("recipients", event.getRecipients());
        json.put("account", event.getAccount().orElse(null));
        json.put("detail", event.getDetail().orElse(null));
        return json;
    }
}
