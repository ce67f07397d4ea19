package io.postbridge.auth.webadmin;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.webhooks.WebhookDelivery;
import io.postbridge.core.webhooks.WebhookEndpoint;
import io.postbridge.core.webhooks.WebhookEventType;
import io.postbridge.core.webhooks.Webhooks;
import spark.Request;

/**
 * Signed delivery webhooks (docs/webhooks.md), under {@code /postbridge/webhooks}:
 * <ul>
 * <li>{@code GET /postbridge/webhooks[?account=NAME]}, {@code POST} (subscribe: {@code url}, optional {@code account},
 * {@code eventTypes}, {@code enabled}; answers 201 with the {@code whsec_} secret, shown this once),
 * {@code GET /postbridge/webhooks/event-types} (the catalogue);</li>
 * <li>{@code GET|PUT|DELETE /postbridge/webhooks/ID}; {@code POST .../ID/secret} (rotate, {@code overlap} during
 * which both secrets sign); {@code POST .../ID/test} (a test delivery);</li>
 * <li>{@code GET .../ID/deliveries[?limit=]}, {@code GET .../ID/deliveries/MSG} (with its attempts),
 * {@code POST .../ID/deliveries/MSG/replay}.</li>
 * </ul>
 * Enabled by listing this class in {@code extensions.routes} of {@code webadmin.properties}.
 */
public class WebhookRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/webhooks";
    private static final Set<String> CREATE_FIELDS = Set.of("url", "account", "eventTypes", "enabled");
    private static final Set<String> UPDATE_FIELDS = Set.of("url", "eventTypes", "enabled");
    private static final Set<String> ROTATE_FIELDS = Set.of("overlap");

    private final Webhooks webhooks;

    @Inject
    public WebhookRoutes(Webhooks webhooks, JsonTransformer jsonTransformer) {
        super(BASE_PATH, jsonTransformer);
        this.webhooks = webhooks;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(BASE_PATH, (request, response) -> webhooks.list(JsonBody.queryString(request, "account")).stream()
                .map(WebhookRoutes::toJson).collect(Collectors.toList()))
            .post(BASE_PATH, (request, response) -> {
                JsonBody body = JsonBody.parse(request, CREATE_FIELDS);
                Webhooks.Created created = webhooks.create(body.string("account").filter(a -> !a.isBlank()), body.requiredString("url"),
                    eventTypes(body), body.bool("enabled", true));
                Map<String, Object> json = toJson(created.endpoint());
                json.put("secret", created.secret().text());
                return WebAdminRoutes.created(response, json);
            })
            // before the ID routes, which would take "event-types" for an id
            .get(BASE_PATH + "/event-types", (request, response) -> List.of(WebhookEventType.values()).stream()
                .map(type -> {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("type", type.type());
                    json.put("mailEvent", type.mailEventType().map(t -> t.wireName()).orElse(null));
                    return json;
                }).collect(Collectors.toList()))
            .get(BASE_PATH + "/:id", (request, response) -> toJson(endpoint(request)))
            .put(BASE_PATH + "/:id", (request, response) -> {
                WebhookEndpoint current = endpoint(request);
                JsonBody body = JsonBody.parse(request, UPDATE_FIELDS);
                webhooks.update(current.id(), body.string("url").orElse(current.url()),
                    body.has("eventTypes") ? eventTypes(body) : current.eventTypes(), body.bool("enabled", current.enabled()));
                return toJson(endpoint(request));
            })
            .delete(BASE_PATH + "/:id", (request, response) -> {
                if (!webhooks.delete(request.params("id"))) {
                    throw notFound(request);
                }
                return WebAdminRoutes.noContent(response);
            })
            .post(BASE_PATH + "/:id/secret", (request, response) -> {
                Duration overlap = JsonBody.parse(request, ROTATE_FIELDS).duration("overlap").orElse(Webhooks.DEFAULT_OVERLAP);
                String secret = webhooks.rotate(request.params("id"), overlap).orElseThrow(() -> notFound(request)).text();
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("secret", secret);
                json.put("previousSecretValidUntil", endpoint(request).previousSecretUntil().map(Instant::toString).orElse(null));
                return json;
            })
            .post(BASE_PATH + "/:id/test", (request, response) -> {
                String messageId = webhooks.sendTest(request.params("id")).orElseThrow(() -> notFound(request));
                response.status(202);
                return Map.of("messageId", messageId);
            })
            .get(BASE_PATH + "/:id/deliveries", (request, response) -> {
                WebhookEndpoint endpoint = endpoint(request);
                int limit = JsonBody.queryInteger(request, "limit", 50, 1, 1000);
                return webhooks.store().deliveries(endpoint.id(), limit).stream().map(WebhookRoutes::toJson).collect(Collectors.toList());
            })
            .get(BASE_PATH + "/:id/deliveries/:message", (request, response) -> toJson(webhooks.store()
                .delivery(endpoint(request).id(), request.params("message"))
                .orElseThrow(() -> JsonBody.notFound("no delivery " + request.params("message") + " to webhook " + request.params("id")))))
            .post(BASE_PATH + "/:id/deliveries/:message/replay", (request, response) -> {
                WebhookEndpoint endpoint = endpoint(request);
                String message = request.params("message");
                Optional<WebhookDelivery> delivery = webhooks.store().delivery(endpoint.id(), message);
                if (delivery.isEmpty()) {
                    throw JsonBody.notFound("no delivery " + message + " to webhook " + endpoint.id());
                }
                if (!webhooks.replay(endpoint.id(), message)) {
                    throw JsonBody.conflict("delivery " + message + " is still pending: it is sent on its schedule");
                }
                response.status(202);
                return Map.of("messageId", message, "status", "pending");
            });
    }

    private WebhookEndpoint endpoint(Request request) {
        return webhooks.find(request.params("id")).orElseThrow(() -> notFound(request));
    }

    private static RuntimeException notFound(Request request) {
        return JsonBody.notFound("no webhook endpoint " + request.params("id"));
    }

    private static Set<WebhookEventType> eventTypes(JsonBody body) {
        Set<WebhookEventType> types = EnumSet.noneOf(WebhookEventType.class);
        for (String name : body.stringList("eventTypes")) {
            types.add(WebhookEventType.fromType(name.trim()).orElseThrow(() -> JsonBody.badRequest(
                "'eventTypes' has an unknown type '" + name + "'; known types: " + WebhookEventType.allTypes())));
        }
        return types;
    }

    private static Map<String, Object> toJson(WebhookEndpoint endpoint) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", endpoint.id());
        json.put("account", endpoint.account().orElse(null));
        json.put("url", endpoint.url());
        json.put("eventTypes", endpoint.eventTypes().isEmpty() ? List.of("*")
            : endpoint.eventTypes().stream().map(WebhookEventType::type).sorted().collect(Collectors.toList()));
        json.put("enabled", endpoint.enabled());
        json.put("disabledReason", endpoint.disabledReason().orElse(null));
        json.put("previousSecretValidUntil", endpoint.previousSecretUntil().map(Instant::toString).orElse(null));
        json.put("createdAt", endpoint.createdAt().toString());
        return json;
    }

    private static Map<String, Object> toJson(WebhookDelivery delivery) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("messageId", delivery.messageId());
        json.put("type", delivery.eventType());
        json.put("status", delivery.status().name().toLowerCase(java.util.Locale.ROOT));
        json.put("attempts", delivery.attempts());
        json.put("createdAt", delivery.createdAt().toString());
        json.put("nextAttemptAt", delivery.status() == WebhookDelivery.Status.PENDING ? delivery.nextAttemptAt().toString() : null);
        json.put("lastStatus", delivery.lastStatus().orElse(null));
        json.put("lastError", delivery.lastError().orElse(null));
        json.put("finishedAt", delivery.finishedAt().map(Instant::toString).orElse(null));
        if (!delivery.attemptLog().isEmpty()) {
            json.put("payload", delivery.payload());
            json.put("attemptLog", delivery.attemptLog().stream().map(attempt -> {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("at", attempt.at().toString());
                a.put("status", attempt.httpStatus().orElse(null));
                a.put("latencyMillis", attempt.latencyMillis());
                a.put("error", attempt.error().orElse(null));
                a.put("node", attempt.node());
                return a;
            }).collect(Collectors.toList()));
        }
        return json;
    }
}
