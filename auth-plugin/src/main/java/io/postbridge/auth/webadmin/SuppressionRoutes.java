package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.suppression.AccountBouncePolicy;
import io.postbridge.core.suppression.Suppression;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.suppression.SuppressionPolicy;
import io.postbridge.core.suppression.SuppressionReason;
import spark.Request;
import spark.Response;

/**
 * The suppression list, under {@code /postbridge/suppressions}. A scope is an account's name, or {@code global}
 * for every account:
 * <ul>
 * <li>{@code GET /postbridge/suppressions?scope=crm&search=example.org&limit=100}: newest first</li>
 * <li>{@code GET|DELETE /postbridge/suppressions/SCOPE/ADDRESS}: one entry; DELETE lets mail through again</li>
 * <li>{@code PUT /postbridge/suppressions/SCOPE/ADDRESS} {@code {"reason":"manual","detail":"spam trap"}}: add</li>
 * <li>{@code GET|PUT|DELETE /postbridge/suppressions/ACCOUNT/policy}
 *     {@code {"softBounces":1,"enforcement":"accept-and-drop","forwardBounces":false}}: the account's overrides</li>
 * <li>{@code POST /postbridge/suppressions/SCOPE/remove} {@code {"addresses":["a@x","b@y"]}}: bulk remove</li>
 * </ul>
 * Enabled by {@code extensions.routes=...,io.postbridge.auth.webadmin.SuppressionRoutes} in {@code webadmin.properties}.
 */
public class SuppressionRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/suppressions";
    private static final String GLOBAL_SCOPE = "global";
    private static final String FORWARDING_SCOPE = "forwarding";
    private static final String ENTRY = BASE_PATH + "/:scope/:address";
    private static final String POLICY = BASE_PATH + "/:scope/policy";

    private final SuppressionList suppressions;

    @Inject
    public SuppressionRoutes(SuppressionList suppressions, JsonTransformer json) {
        super(BASE_PATH, json);
        this.suppressions = suppressions;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            // before ENTRY: "policy" is no address
            .get(POLICY, (request, response) -> policyJson(suppressions.policyOf(account(request))))
            .put(POLICY, this::savePolicy)
            .delete(POLICY, (request, response) -> {
                suppressions.policies().delete(account(request));
                return WebAdminRoutes.noContent(response);
            })
            .get(BASE_PATH, (request, response) -> suppressions.repository().list(
                    JsonBody.queryString(request, "scope").map(SuppressionRoutes::scope),
                    JsonBody.queryString(request, "search"),
                    JsonBody.queryInteger(request, "limit", 100, 1, 10_000))
                .stream().map(SuppressionRoutes::toJson).collect(Collectors.toList()))
            .get(ENTRY, (request, response) -> suppressions.repository().find(scope(request), address(request))
                .map(SuppressionRoutes::toJson)
                .orElseThrow(() -> JsonBody.notFound(address(request) + " is not suppressed in scope '" + request.params("scope") + "'")))
            .put(ENTRY, this::add)
            .delete(ENTRY, (request, response) -> {
                if (!suppressions.remove(scope(request), address(request))) {
                    throw JsonBody.notFound(address(request) + " is not suppressed in scope '" + request.params("scope") + "'");
                }
                return WebAdminRoutes.noContent(response);
            })
            .post(BASE_PATH + "/:scope/remove", (request, response) -> {
                JsonBody body = JsonBody.parse(request, Set.of("addresses"));
                List<String> addresses = body.stringList("addresses").stream().map(SuppressionRoutes::lower).collect(Collectors.toList());
                if (addresses.isEmpty()) {
                    throw JsonBody.badRequest("'addresses' must list at least one address");
                }
                return Map.of("removed", suppressions.repository().removeAll(scope(request), addresses));
            });
    }

    private Object savePolicy(Request request, Response response) {
        JsonBody body = JsonBody.parse(request, Set.of("softBounces", "enforcement", "forwardBounces"));
        AccountBouncePolicy policy = new AccountBouncePolicy(account(request), body.integer("softBounces", 1, 1000),
            body.choice("enforcement", SuppressionPolicy.Enforcement::fromWireName, "'reject' or 'accept-and-drop'"),
            body.bool("forwardBounces"));
        suppressions.policies().save(policy);
        return policyJson(suppressions.policyOf(policy.account()));
    }

    /** The account's overrides and what applies: an absent override shows the default of postbridge.properties. */
    private Map<String, Object> policyJson(AccountBouncePolicy policy) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("account", policy.account());
        out.put("softBounces", suppressions.softBounces(policy.account()));
        out.put("enforcement", suppressions.enforcement(policy.account()).wireName());
        out.put("forwardBounces", suppressions.forwardsBounces(policy.account()));
        out.put("overrides", new java.util.ArrayList<>(java.util.List.of(
            policy.softBounces().map(x -> "softBounces"), policy.enforcement().map(x -> "enforcement"),
            policy.forwardBounces().map(x -> "forwardBounces")).stream().flatMap(java.util.Optional::stream).collect(Collectors.toList())));
        return out;
    }

    private static String account(Request request) {
        String account = request.params("scope");
        if (account.equalsIgnoreCase(GLOBAL_SCOPE)) {
            throw JsonBody.badRequest("a policy is per account; the defaults of every account are in postbridge.properties (suppression.*)");
        }
        return account;
    }

    private Object add(Request request, Response response) {
        JsonBody body = JsonBody.parse(request, Set.of("reason", "detail"));
        SuppressionReason reason = body.choice("reason", SuppressionReason::fromWireName,
            "'manual', 'complaint', 'hard-bounce' or 'soft-bounces'").orElse(SuppressionReason.MANUAL);
        return WebAdminRoutes.created(response, toJson(suppressions.add(scope(request), address(request), reason,
            body.string("detail").orElse(""))));
    }

    private static String scope(Request request) {
        return scope(request.params("scope"));
    }

    private static String scope(String raw) {
        if (raw.equalsIgnoreCase(FORWARDING_SCOPE)) {
            return Suppression.FORWARDING;
        }
        return raw.equalsIgnoreCase(GLOBAL_SCOPE) ? Suppression.GLOBAL : raw;
    }

    private static String address(Request request) {
        String address = lower(request.params("address"));
        if (address.indexOf('@') <= 0 || address.endsWith("@")) {
            throw JsonBody.badRequest("'" + request.params("address") + "' is not an e-mail address (local@domain)");
        }
        return address;
    }

    private static String lower(String s) {
        return s.trim().toLowerCase(java.util.Locale.ROOT);
    }

    static Map<String, Object> toJson(Suppression s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scope", s.isGlobal() ? GLOBAL_SCOPE : Suppression.FORWARDING.equals(s.scope()) ? FORWARDING_SCOPE : s.scope());
        out.put("address", s.address());
        out.put("reason", s.reason().wireName());
        out.put("source", s.source());
        out.put("detail", s.detail());
        out.put("firstSeen", s.firstSeen().toString());
        out.put("lastSeen", s.lastSeen().toString());
        out.put("count", s.hits());
        out.put("expiresAt", s.expiresAt().map(Object::toString).orElse(null));
        return out;
    }

}
