package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;


import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccount;
import spark.Request;

/**
 * How accounts deliver, kept in memory for trials and tests (lost on restart; secrets never returned); for accounts
 * kept in the store use {@code PUT /postbridge/accounts/{name}/provider} ({@link AccountRoutes}), which wins:
 * <ul>
 * <li>{@code PUT /postbridge/provider-accounts/{account}} with {@code {"provider":"gmail","clientId","clientSecret",
 * "refreshToken"}}, {@code {"provider":"graph","tenant","clientId","clientSecret","mailbox"?}} (app-only) or
 * {@code {"provider":"graph","tenant","clientId","clientSecret","refreshToken","mailbox"}} (delegated);</li>
 * <li>{@code GET /postbridge/provider-accounts}: every account, its provider and whether it needs re-consent;</li>
 * <li>{@code DELETE /postbridge/provider-accounts/{account}}.</li>
 * </ul>
 * {@code {account}} is the SMTP-authenticated user name.
 */
public class ProviderAccountRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/provider-accounts";
    private static final Set<String> FIELDS = Set.of("provider", "tenant", "clientId", "clientSecret", "refreshToken", "mailbox");

    private final InMemoryProviderAccounts accounts;

    @Inject
    public ProviderAccountRoutes(InMemoryProviderAccounts accounts, JsonTransformer jsonTransformer) {
        super(BASE_PATH, jsonTransformer);
        this.accounts = accounts;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(BASE_PATH, (request, response) -> accounts.all().values().stream().map(this::toJson).collect(Collectors.toList()))
            .put(BASE_PATH + "/:account", (request, response) -> {
                accounts.put(parse(request.params("account"), request));
                return WebAdminRoutes.noContent(response);
            })
            .delete(BASE_PATH + "/:account", (request, response) -> {
                if (!accounts.remove(request.params("account"))) {
                    throw JsonBody.notFound("no provider account '" + request.params("account") + "'");
                }
                return WebAdminRoutes.noContent(response);
            });
    }

    private static ProviderAccount parse(String account, Request request) {
        JsonBody body = JsonBody.parse(request, FIELDS);
        String provider = body.string("provider").orElse("");
        switch (provider) {
            case "gmail":
                return ProviderAccount.gmail(account, body.requiredString("clientId"), body.requiredString("clientSecret"),
                    body.requiredString("refreshToken"));
            case "graph":
                Optional<String> refreshToken = optional(body, "refreshToken");
                if (refreshToken.isPresent()) {
                    return ProviderAccount.graphDelegated(account, body.requiredString("tenant"), body.requiredString("clientId"),
                        body.requiredString("clientSecret"), refreshToken.get(), body.requiredString("mailbox"));
                }
                return ProviderAccount.graphApp(account, body.requiredString("tenant"), body.requiredString("clientId"),
                    body.requiredString("clientSecret"), optional(body, "mailbox"));
            default:
                throw JsonBody.badRequest("'provider' must be 'gmail' or 'graph', was '" + provider + "'");
        }
    }

    private static Optional<String> optional(JsonBody body, String field) {
        return body.string(field).filter(value -> !value.isBlank());
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
}
