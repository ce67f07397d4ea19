package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccount;
import spark.Request;
import spark.Service;

/**
 * How accounts deliver, kept in memory until the account store provides it (lost on restart; secrets never returned):
 * <ul>
 * <li>{@code PUT /postbridge/provider-accounts/{account}} with {@code {"provider":"gmail","clientId","clientSecret",
 * "refreshToken"}}, {@code {"provider":"graph","tenant","clientId","clientSecret","mailbox"?}} (app-only) or
 * {@code {"provider":"graph","tenant","clientId","clientSecret","refreshToken","mailbox"}} (delegated);</li>
 * <li>{@code GET /postbridge/provider-accounts}: every account, its provider and whether it needs re-consent;</li>
 * <li>{@code DELETE /postbridge/provider-accounts/{account}}.</li>
 * </ul>
 * {@code {account}} is the SMTP-authenticated user name.
 */
public class ProviderAccountRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/provider-accounts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryProviderAccounts accounts;
    private final JsonTransformer jsonTransformer;

    @Inject
    public ProviderAccountRoutes(InMemoryProviderAccounts accounts, JsonTransformer jsonTransformer) {
        this.accounts = accounts;
        this.jsonTransformer = jsonTransformer;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> accounts.all().values().stream().map(this::toJson)
            .collect(Collectors.toList()), jsonTransformer);
        service.put(BASE_PATH + "/:account", (request, response) -> {
            accounts.put(parse(request.params("account"), request));
            response.status(204);
            return "";
        });
        service.delete(BASE_PATH + "/:account", (request, response) -> {
            if (!accounts.remove(request.params("account"))) {
                throw ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND)
                    .message("no provider account '" + request.params("account") + "'").haltError();
            }
            response.status(204);
            return "";
        });
    }

    private static ProviderAccount parse(String account, Request request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (Exception e) {
            throw badRequest("the body must be a JSON object: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw badRequest("the body must be a JSON object");
        }
        String provider = body.path("provider").asText("");
        switch (provider) {
            case "gmail":
                return ProviderAccount.gmail(account, required(body, "clientId"), required(body, "clientSecret"),
                    required(body, "refreshToken"));
            case "graph":
                Optional<String> refreshToken = optional(body, "refreshToken");
                if (refreshToken.isPresent()) {
                    return ProviderAccount.graphDelegated(account, required(body, "tenant"), required(body, "clientId"),
                        required(body, "clientSecret"), refreshToken.get(), required(body, "mailbox"));
                }
                return ProviderAccount.graphApp(account, required(body, "tenant"), required(body, "clientId"),
                    required(body, "clientSecret"), optional(body, "mailbox"));
            default:
                throw badRequest("'provider' must be 'gmail' or 'graph', was '" + provider + "'");
        }
    }

    private static String required(JsonNode body, String field) {
        return optional(body, field).orElseThrow(() -> badRequest("'" + field + "' is required"));
    }

    private static Optional<String> optional(JsonNode body, String field) {
        return Optional.ofNullable(body.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText).filter(v -> !v.isBlank());
    }

    private Map<String, Object> toJson(ProviderAccount account) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("account", account.account());
        json.put("provider", account.provider().wireName());
        json.put("kind", account.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        account.tenant().ifPresent(t -> json.put("tenant", t));
        account.clientId().ifPresent(c -> json.put("clientId", c));
        account.mailbox().ifPresent(m -> json.put("mailbox", m));
        json.put("needsReconsent", accounts.reconsentReason(account.account()).orElse(null));
        return json;
    }

    private static RuntimeException badRequest(String message) {
        return ErrorResponder.builder().statusCode(400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT).message(message).haltError();
    }

}
