package io.postbridge.auth.webadmin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.ReconsentFlag;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.apikeys.ApiKeyFormat;
import io.postbridge.core.apikeys.ApiKeyRecord;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.delivery.smtp.SmtpPoolSettings;
import io.postbridge.core.delivery.smtp.SmtpRoute;
import io.postbridge.core.delivery.smtp.SmtpUpstream;
import io.postbridge.core.delivery.smtp.SmtpUpstreamCheck;
import io.postbridge.core.ratelimit.AccountRateLimits;
import io.postbridge.core.ratelimit.RateLimitPolicy;
import spark.Request;
import spark.Response;

/**
 * Accounts and everything they own, under {@code /postbridge/accounts}: the account itself (enabled, From
 * override), API keys (shown once), allowed senders, trusted networks, provider settings (secrets write-only)
 * and rate limits. Enabled by adding {@code io.postbridge.auth.webadmin.AccountRoutes} to {@code extensions.routes}
 * in {@code webadmin.properties}. The rules are {@link AccountAdministration}'s; this class reads requests and
 * writes answers.
 */
public class AccountRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/accounts";
    private static final String ACCOUNT = BASE_PATH + "/:name";

    private final AccountAdministration admin;
    private final ApiKeys apiKeys;
    private final AccountRateLimits rateLimits;

    @Inject
    public AccountRoutes(AccountAdministration admin, ApiKeys apiKeys, AccountRateLimits rateLimits, JsonTransformer json) {
        super(BASE_PATH, json);
        this.admin = admin;
        this.apiKeys = apiKeys;
        this.rateLimits = rateLimits;
    }

    /** Connection tests: short timeouts (an operator is waiting), the JVM's trust store. */
    private final SmtpUpstreamCheck upstreamCheck = new SmtpUpstreamCheck(SmtpPoolSettings.defaults()
        .connectTimeout(java.time.Duration.ofSeconds(10)).readTimeout(java.time.Duration.ofSeconds(30)), java.time.Clock.systemUTC());

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(BASE_PATH, (request, response) -> admin.list().stream().map(this::summary).collect(Collectors.toList()))
            .put(ACCOUNT, this::putAccount)
            .get(ACCOUNT, (request, response) -> details(account(request)))
            .delete(ACCOUNT, (request, response) -> {
                admin.delete(request.params("name"));
                return WebAdminRoutes.noContent(response);
            })

            .post(ACCOUNT + "/keys", this::createKey)
            .get(ACCOUNT + "/keys", (request, response) -> apiKeys.list(account(request).id()).stream()
                .map(AccountRoutes::key).collect(Collectors.toList()))
            .delete(ACCOUNT + "/keys/:keyId", this::revokeKey)
            .post(ACCOUNT + "/keys/:keyId/regenerate", this::regenerateKey)

            .get(ACCOUNT + "/senders", (request, response) -> senders(account(request)))
            .put(ACCOUNT + "/senders/:sender", this::addSender)
            .delete(ACCOUNT + "/senders/:sender", this::removeSender)

            .get(ACCOUNT + "/networks", (request, response) -> networks(account(request)))
            .put(ACCOUNT + "/networks/:cidr", this::addNetwork)
            .delete(ACCOUNT + "/networks/:cidr", this::removeNetwork)

            .get(ACCOUNT + "/provider", this::getProvider)
            .put(ACCOUNT + "/provider", this::putProvider)
            .delete(ACCOUNT + "/provider", this::deleteProvider)
            .post(ACCOUNT + "/provider/test", this::testProvider)

            .get(ACCOUNT + "/limits", (request, response) -> limits(account(request)))
            .put(ACCOUNT + "/limits", this::putLimits);
    }

    // ---- accounts ----

    /** Creates the account (201) or updates the fields given (204). Body (optional): enabled, fromOverride, limits. */
    private Object putAccount(Request request, Response response) {
        JsonBody body = JsonBody.parse(request, Set.of("enabled", "fromOverride", "messagesPerMinute", "recipientsPerDay"));
        AccountAdministration.Saved saved = admin.createOrUpdate(request.params("name"), change(body));
        if (saved.created()) {
            return WebAdminRoutes.created(response, details(saved.account()));
        }
        return WebAdminRoutes.noContent(response);
    }

    /** The body as a change of an account, every field read (and refused) before anything is stored. */
    private static UnaryOperator<Account> change(JsonBody body) {
        Optional<Boolean> enabled = body.bool("enabled");
        Optional<Optional<String>> fromOverride = body.has("fromOverride") ? Optional.of(fromOverride(body)) : Optional.empty();
        Optional<Optional<Integer>> messages = body.has("messagesPerMinute")
            ? Optional.of(body.integer("messagesPerMinute", 1, RateLimitPolicy.MAX_LIMIT)) : Optional.empty();
        Optional<Optional<Integer>> recipients = body.has("recipientsPerDay")
            ? Optional.of(body.integer("recipientsPerDay", 1, RateLimitPolicy.MAX_LIMIT)) : Optional.empty();
        return account -> {
            Account result = enabled.map(account::withEnabled).orElse(account);
            result = fromOverride.isPresent() ? result.withFromOverride(fromOverride.get()) : result;
            return result.withLimits(messages.orElse(result.messagesPerMinute()), recipients.orElse(result.recipientsPerDay()));
        };
    }

    private static Optional<String> fromOverride(JsonBody body) {
        Optional<String> override = body.string("fromOverride").map(String::trim).filter(value -> !value.isEmpty());
        if (override.isEmpty()) {
            return override;
        }
        SenderPattern pattern = parseSender(override.get(), "fromOverride");
        if (pattern.isDomain()) {
            throw JsonBody.badRequest("'fromOverride' must be one address (noreply@example.com), not a domain");
        }
        return Optional.of(pattern.asString());
    }

    private Account account(Request request) {
        return admin.require(request.params("name"));
    }

    private Map<String, Object> summary(Account account) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", account.name());
        json.put("enabled", account.enabled());
        json.put("fromOverride", account.fromOverride().orElse(null));
        json.put("createdAt", account.createdAt().toString());
        return json;
    }

    private Map<String, Object> details(Account account) {
        Map<String, Object> json = summary(account);
        json.put("senders", senders(account));
        json.put("networks", networks(account));
        json.put("provider", admin.provider(account).map(settings -> settings.provider().wireName()).orElse(null));
        json.put("needsReconsent", admin.reconsentFlag(account).map(ReconsentFlag::reason).orElse(null));
        json.put("limits", limits(account));
        json.put("liveKeys", apiKeys.list(account.id()).stream().filter(ApiKeyRecord::live).count());
        return json;
    }

    // ---- API keys ----

    private Object createKey(Request request, Response response) {
        Account account = account(request);
        JsonBody.parse(request, Set.of());
        return WebAdminRoutes.created(response, issuedKey(account, apiKeys.issue(account.id())));
    }

    private Object revokeKey(Request request, Response response) {
        Account account = account(request);
        String keyId = keyId(request);
        if (!apiKeys.revoke(account.id(), keyId)) {
            throw JsonBody.notFound("account '" + account.name() + "' has no live API key '" + keyId + "'");
        }
        return WebAdminRoutes.noContent(response);
    }

    private Object regenerateKey(Request request, Response response) {
        Account account = account(request);
        String keyId = keyId(request);
        ApiKeys.IssuedApiKey issued = apiKeys.regenerate(account.id(), keyId)
            .orElseThrow(() -> JsonBody.notFound("account '" + account.name() + "' has no live API key '" + keyId + "'"));
        return WebAdminRoutes.created(response, issuedKey(account, issued));
    }

    private static String keyId(Request request) {
        String raw = request.params("keyId");
        String keyId = raw.startsWith(ApiKeyFormat.PREFIX) ? raw.substring(ApiKeyFormat.PREFIX.length()).replaceAll("_$", "") : raw;
        if (!ApiKeyFormat.isKeyId(keyId)) {
            throw JsonBody.badRequest("'" + raw + "' is not an API key id (16 characters a-z 2-7, as listed by GET .../keys)");
        }
        return keyId;
    }

    private static Map<String, Object> issuedKey(Account account, ApiKeys.IssuedApiKey issued) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("account", account.name());
        json.put("keyId", issued.keyId());
        json.put("prefix", ApiKeyFormat.displayPrefix(issued.keyId()));
        json.put("key", issued.token());
        json.put("createdAt", issued.createdAt().toString());
        json.put("note", "Store this key now: it is shown only once. SMTP AUTH: username '" + account.name() + "', password = this key.");
        return json;
    }

    private static Map<String, Object> key(ApiKeyRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("keyId", record.keyId());
        json.put("prefix", ApiKeyFormat.displayPrefix(record.keyId()));
        json.put("createdAt", record.createdAt().toString());
        json.put("lastUsedAt", record.lastUsedAt().map(Instant::toString).orElse(null));
        json.put("revokedAt", record.revokedAt().map(Instant::toString).orElse(null));
        json.put("live", record.live());
        return json;
    }

    // ---- senders ----

    private List<String> senders(Account account) {
        return admin.senders(account).stream().map(SenderPattern::asString).collect(Collectors.toList());
    }

    private Object addSender(Request request, Response response) {
        Account account = account(request);
        SenderPattern pattern = parseSender(request.params("sender"), "sender");
        return admin.addSender(account, pattern) ? WebAdminRoutes.created(response, "") : WebAdminRoutes.noContent(response);
    }

    private Object removeSender(Request request, Response response) {
        Account account = account(request);
        SenderPattern pattern = parseSender(request.params("sender"), "sender");
        if (!admin.removeSender(account, pattern)) {
            throw JsonBody.notFound("account '" + account.name() + "' has no allowed sender '" + pattern + "'");
        }
        return WebAdminRoutes.noContent(response);
    }

    private static SenderPattern parseSender(String raw, String what) {
        try {
            return SenderPattern.parse(raw);
        } catch (IllegalArgumentException e) {
            throw JsonBody.badRequest("'" + what + "': " + e.getMessage());
        }
    }

    // ---- trusted networks ----

    private List<String> networks(Account account) {
        return admin.networks(account).stream().map(IpRange::asString).collect(Collectors.toList());
    }

    private Object addNetwork(Request request, Response response) {
        Account account = account(request);
        return admin.addNetwork(account, parseRange(request)) ? WebAdminRoutes.created(response, "") : WebAdminRoutes.noContent(response);
    }

    private Object removeNetwork(Request request, Response response) {
        Account account = account(request);
        IpRange range = parseRange(request);
        if (!admin.removeNetwork(account, range)) {
            throw JsonBody.notFound("account '" + account.name() + "' has no trusted network " + range);
        }
        return WebAdminRoutes.noContent(response);
    }

    private static IpRange parseRange(Request request) {
        String raw = request.params("cidr");
        try {
            // "10.1.2.0-24" is accepted too, for clients that cannot send an encoded '/' (%2F) in a path
            return IpRange.parse(raw.matches(".*-\\d{1,3}$") ? raw.replaceFirst("-(\\d{1,3})$", "/$1") : raw);
        } catch (IllegalArgumentException e) {
            throw JsonBody.badRequest(e.getMessage());
        }
    }

    // ---- provider ----

    private Object getProvider(Request request, Response response) {
        Account account = account(request);
        ProviderSettings settings = admin.provider(account)
            .orElseThrow(() -> JsonBody.notFound("account '" + account.name() + "' has no provider settings"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("provider", settings.provider().wireName());
        json.put("settings", settings.settings());
        // write-only: only which secrets are set, never their values
        json.put("secrets", admin.providerSecretNames(account));
        // set by delivery when the provider refused the grant (invalid_grant); cleared by the next PUT of this resource
        Optional<ReconsentFlag> reconsent = admin.reconsentFlag(account);
        json.put("needsReconsent", reconsent.map(ReconsentFlag::reason).orElse(null));
        json.put("needsReconsentSince", reconsent.map(flag -> flag.since().toString()).orElse(null));
        return json;
    }

    /**
     * Body: {@code {"provider": "graph", "settings": {...}, "secrets": {"clientSecret": "..."}}}. Settings are
     * replaced; each secret given is set (null removes it); secrets not given are kept, unless the provider changes.
     * Clears the account's re-consent flag: the operator has acted (typically: a new refresh token).
     */
    private Object putProvider(Request request, Response response) {
        Account account = account(request);
        JsonBody body = JsonBody.parse(request, Set.of("provider", "settings", "secrets"));
        ProviderSettings.Provider provider = body.parsed("provider",
            name -> ProviderSettings.Provider.fromWireName(name.toLowerCase(Locale.ROOT)))
            .orElseThrow(() -> JsonBody.badRequest("'provider' is required: one of " + ProviderSettings.Provider.allWireNames()));
        admin.putProvider(account, provider, body.stringMap("settings", false), body.stringMap("secrets", true));
        return WebAdminRoutes.noContent(response);
    }

    /**
     * Tests the account's upstream SMTP server, sending nothing: the stored settings, or those in the body
     * ({@code {"settings": {...}, "secrets": {"password": "..."}}}, the stored secrets when none are given), before
     * saving them. Answers 200 with each stage (dns, tcp, tls, with XOAUTH2 token, auth), the verdict and the
     * server's reply.
     */
    private Object testProvider(Request request, Response response) {
        Account account = account(request);
        String raw = request.body();
        SmtpUpstream upstream;
        if (raw != null && !raw.isBlank()) {
            JsonBody body = JsonBody.parse(request, Set.of("provider", "settings", "secrets"));
            body.string("provider").filter(p -> !p.equalsIgnoreCase("smtp")).ifPresent(p -> {
                throw JsonBody.badRequest("only provider 'smtp' can be tested, was '" + p + "'");
            });
            Map<String, String> secrets = body.stringMap("secrets", false);
            secrets.keySet().stream().filter(name -> !SmtpUpstream.SECRETS.contains(name)).findFirst().ifPresent(name -> {
                throw JsonBody.badRequest("unknown smtp secret 'secrets." + name + "'; known: "
                    + String.join(", ", new java.util.TreeSet<>(SmtpUpstream.SECRETS)));
            });
            try {
                upstream = admin.unsavedSmtpUpstream(account, body.stringMap("settings", false), secrets);
            } catch (IllegalArgumentException e) {
                throw JsonBody.badRequest(e.getMessage());
            }
        } else {
            upstream = admin.smtpUpstream(account).orElseThrow(() -> JsonBody.notFound("account '" + account.name()
                + "' has no smtp provider settings; send them in the body to test them before saving"));
        }
        SmtpRoute route;
        try {
            route = upstream.route(account.name()).orElseThrow(() -> JsonBody.badRequest("'settings.host' is required to test an upstream"));
        } catch (IllegalStateException e) {
            throw JsonBody.badRequest(e.getMessage());
        }
        return upstreamCheck.check(route);
    }

    private Object deleteProvider(Request request, Response response) {
        Account account = account(request);
        if (!admin.deleteProvider(account)) {
            throw JsonBody.notFound("account '" + account.name() + "' has no provider settings");
        }
        return WebAdminRoutes.noContent(response);
    }

    // ---- limits ----

    private Map<String, Object> limits(Account account) {
        RateLimitPolicy policy = rateLimits.policy();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("messagesPerMinute", account.messagesPerMinute().orElse(null));
        json.put("recipientsPerDay", account.recipientsPerDay().orElse(null));
        json.put("effectiveMessagesPerMinute", policy.messagesPerMinute(Optional.of(account)));
        json.put("effectiveRecipientsPerDay", policy.recipientsPerDay(Optional.of(account)));
        return json;
    }

    /** Body: {@code {"messagesPerMinute": 30, "recipientsPerDay": null}}; null or absent = the server default. */
    private Object putLimits(Request request, Response response) {
        Account account = account(request);
        JsonBody body = JsonBody.parse(request, Set.of("messagesPerMinute", "recipientsPerDay"));
        admin.update(account.withLimits(body.integer("messagesPerMinute", 1, RateLimitPolicy.MAX_LIMIT),
            body.integer("recipientsPerDay", 1, RateLimitPolicy.MAX_LIMIT)));
        return WebAdminRoutes.noContent(response);
    }
}
