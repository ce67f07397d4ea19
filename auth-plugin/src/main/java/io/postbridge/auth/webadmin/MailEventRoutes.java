package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import spark.Request;
import spark.Service;

/**
 * {@code GET /postbridge/events?limit=100&type=delivered&account=billing}: the newest mail events, newest first,
 * optionally of one type and of one account. Kept in the Postbridge store for {@code events.retention}
 * ({@code postbridge.properties}, default 30 days), so they survive restarts and every node lists every node's events.
 * Enabled by {@code extensions.routes=io.postbridge.auth.webadmin.MailEventRoutes} in {@code webadmin.properties}.
 */
public class MailEventRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/events";
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private final MailEventLog eventLog;
    private final JsonTransformer jsonTransformer;

    @Inject
    public MailEventRoutes(MailEventLog eventLog, JsonTransformer jsonTransformer) {
        this.eventLog = eventLog;
        this.jsonTransformer = jsonTransformer;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> {
            int limit = limit(request);
            Optional<String> account = Optional.ofNullable(request.queryParams("account")).filter(a -> !a.isBlank());
            List<MailEvent> events = eventLog.recent(limit, type(request), account);
            return events.stream().map(MailEventRoutes::toJson).collect(Collectors.toList());
        }, jsonTransformer);
    }

    private static int limit(Request request) {
        String raw = request.queryParams("limit");
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw badRequest("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", was '" + raw + "'");
    }

    private static Optional<MailEventType> type(Request request) {
        String raw = request.queryParams("type");
        if (raw == null) {
            return Optional.empty();
        }
        return Optional.of(MailEventType.fromWireName(raw)
            .orElseThrow(() -> badRequest("'type' must be one of " + MailEventType.allWireNames() + ", was '" + raw + "'")));
    }

    private static RuntimeException badRequest(String message) {
        return ErrorResponder.builder()
            .statusCode(400)
            .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message)
            .haltError();
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
