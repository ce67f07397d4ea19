package io.postbridge.auth.webadmin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.ReconsentFlag;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.accounts.TrustedNetwork;
import io.postbridge.core.apikeys.ApiKeyFormat;
import io.postbridge.core.apikeys.ApiKeyRecord;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.ratelimit.RateLimitPolicy;
import io.postbridge.core.secrets.SecretVault;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * Accounts and everything they own, under {@code /postbridge/accounts}: the account itself (enabled, From
 * override), API keys (shown once), allowed senders, trusted networks, provider settings (secrets write-only)
 * and rate limits. Enabled by adding {@code io.postbridge.auth.webadmin.AccountRoutes} to {@code extensions.routes}
 * in {@code webadmin.properties}.
 */
public class AccountRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/accounts";
    private static final String ACCOUNT = BASE_PATH + "/:name";
    static final String PROVIDER_SECRETS = "provider";
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(secret|password|token|privatekey).*");
    private static final int MAX_SETTING_LENGTH = 4096;
    private static final int MAX_SECRET_LENGTH = 16384;

    private final PostbridgeBackend backend;
    private final JsonTransformer json;

    @Inject
    public AccountRoutes(PostbridgeBackend backend, JsonTransformer json) {
        this.backend = backend;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        WebAdminRoutes routes = WebAdminRoutes.on(service, json);
        routes.get(BASE_PATH, (request, response) -> backend.accounts().list().stream().map(this::summary).collect(Collectors.toList()));
        routes.put(ACCOUNT, this::putAccount);
        routes.get(ACCOUNT, (request, response) -> details(account(request)));
        routes.delete(ACCOUNT, this::deleteAccount);

        routes.post(ACCOUNT + "/keys", this::createKey);
        routes.get(ACCOUNT + "/keys", (request, response) -> backend.apiKeys().list(account(request).id()).stream()
            .map(AccountRoutes::key).collect(Collectors.toList()));
        routes.delete(ACCOUNT + "/keys/:keyId", this::revokeKey);
        routes.post(ACCOUNT + "/keys/:keyId/regenerate", this::regenerateKey);

        routes.get(ACCOUNT + "/senders", (request, response) -> senders(account(request)));
        routes.put(ACCOUNT + "/senders/:sender", this::addSender);
        routes.delete(ACCOUNT + "/senders/:sender", this::removeSender);

        routes.get(ACCOUNT + "/networks", (request, response) -> networks(account(request)));
        routes.put(ACCOUNT + "/networks/:cidr", this::addNetwork);
        routes.delete(ACCOUNT + "/networks/:cidr", this::removeNetwork);

        routes.get(ACCOUNT + "/provider", this::getProvider);
        routes.put(ACCOUNT + "/provider", this::putProvider);
        routes.delete(ACCOUNT + "/provider", this::deleteProvider);

        routes.get(ACCOUNT + "/limits", (request, response) -> limits(account(request)));
        routes.put(ACCOUNT + "/limits", this::putLimits);
    }

    // ---- accounts ----

    /** Creates the account (201) or updates the fields given (204). Body (optional): enabled, fromOverride, limits. */
    private Object putAccount(Request request, Response response) {
        String name = request.params("name");
        if (!Account.isValidName(name)) {
            throw JsonBody.badRequest("account name must be 1 to 64 characters a-z 0-9 . _ - (lower case, starting with a letter or digit), was '" + name + "'");
        }
        JsonBody body = JsonBody.parse(request, Set.of("enabled", "fromOverride", "messagesPerMinute", "recipientsPerDay"));
        Optional<Account> existing = backend.accounts().findByName(name);
        Account account;
        boolean created = existing.isEmpty();
        if (created) {
            validateAccountBody(body);
            try {
                account = backend.accounts().create(name, Instant.now());
            } catch (AccountRepository.AccountAlreadyExists e) {
                account = backend.accounts().findByName(name).orElseThrow();
                created = false;
            }
        } else {
            account = existing.get();
        }
        Account updated = apply(body, account);
        if (!updated.equals(account)) {
            backend.accounts().update(updated);
        }
        response.status(created ? 201 : 204);
        return created ? details(updated) : "";
    }

    private void validateAccountBody(JsonBody body) {
        apply(body, new Account(0, "validation", true, Optional.empty(), Optional.empty(), Optional.empty(), Instant.EPOCH));
    }

    private Account apply(JsonBody body, Account account) {
        Account result = account;
        Optional<Boolean> enabled = body.bool("enabled");
        if (enabled.isPresent()) {
            result = result.withEnabled(enabled.get());
        }
        if (body.has("fromOverride")) {
            Optional<String> override = body.string("fromOverride").map(String::trim).filter(value -> !value.isEmpty());
            if (override.isPresent()) {
                SenderPattern pattern = parseSender(override.get(), "fromOverride");
                if (pattern.isDomain()) {
                    throw JsonBody.badRequest("'fromOverride' must be one address (noreply@example.com), not a domain");
                }
                override = Optional.of(pattern.asString());
            }
            result = result.withFromOverride(override);
        }
        Optional<Integer> messages = body.has("messagesPerMinute") ? body.integer("messagesPerMinute", 1, RateLimitPolicy.MAX_LIMIT) : result.messagesPerMinute();
        Optional<Integer> recipients = body.has("recipientsPerDay") ? body.integer("recipientsPerDay", 1, RateLimitPolicy.MAX_LIMIT) : result.recipientsPerDay();
        return result.withLimits(messages, recipients);
    }

    private Object deleteAccount(Request request, Response response) {
        String name = request.params("name");
        if (!backend.accounts().delete(name)) {
            throw JsonBody.notFound("account '" + name + "' does not exist");
        }
        backend.trustedNetworks().invalidate();
        return WebAdminRoutes.noContent(response);
    }

    private Account account(Request request) {
        String name = request.params("name");
        return backend.accounts().findByName(name).orElseThrow(() -> JsonBody.notFound("account '" + name + "' does not exist"));
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
        json.put("provider", backend.providerSettings().get(account.id()).map(settings -> settings.provider().wireName()).orElse(null));
        json.put("needsReconsent", backend.providerSettings().reconsentFlag(account.id()).map(ReconsentFlag::reason).orElse(null));
        json.put("limits", limits(account));
        json.put("liveKeys", backend.apiKeys().list(account.id()).stream().filter(ApiKeyRecord::live).count());
        return json;
    }

    // ---- API keys ----

    private Object createKey(Request request, Response response) {
        Account account = account(request);
        JsonBody.parse(request, Set.of());
        ApiKeys.IssuedApiKey issued = backend.apiKeys().issue(account.id());
        return WebAdminRoutes.created(response, issuedKey(account, issued));
    }

    private Object revokeKey(Request request, Response response) {
        Account account = account(request);
        String keyId = keyId(request);
        if (!backend.apiKeys().revoke(account.id(), keyId)) {
            throw JsonBody.notFound("account '" + account.name() + "' has no live API key '" + keyId + "'");
        }
        return WebAdminRoutes.noContent(response);
    }

    private Object regenerateKey(Request request, Response response) {
        Account account = account(request);
        String keyId = keyId(request);
        ApiKeys.IssuedApiKey issued = backend.apiKeys().regenerate(account.id(), keyId)
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
        return backend.senders().list(account.id()).stream().map(SenderPattern::asString).collect(Collectors.toList());
    }

    private Object addSender(Request request, Response response) {
        Account account = account(request);
        SenderPattern pattern = parseSender(request.params("sender"), "sender");
        response.status(backend.senders().add(account.id(), pattern) ? 201 : 204);
        return "";
    }

    private Object removeSender(Request request, Response response) {
        Account account = account(request);
        SenderPattern pattern = parseSender(request.params("sender"), "sender");
        if (!backend.senders().remove(account.id(), pattern)) {
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
        return backend.trustedNetworkRepository().listByAccount(account.id()).stream()
            .map(network -> network.range().asString()).collect(Collectors.toList());
    }

    private Object addNetwork(Request request, Response response) {
        Account account = account(request);
        IpRange range = parseRange(request.params("cidr"));
        Optional<TrustedNetwork> owner = backend.trustedNetworkRepository().list().stream()
            .filter(network -> network.range().equals(range)).findFirst();
        if (owner.isPresent()) {
            if (owner.get().accountId() == account.id()) {
                return WebAdminRoutes.noContent(response);
            }
            String other = backend.accounts().findById(owner.get().accountId()).map(Account::name).orElse("another account");
            throw JsonBody.conflict("the network " + range + " already belongs to account '" + other + "'");
        }
        if (!backend.trustedNetworkRepository().add(new TrustedNetwork(range, account.id()))) {
            throw JsonBody.conflict("the network " + range + " already belongs to another account");
        }
        backend.trustedNetworks().invalidate();
        return WebAdminRoutes.created(response, "");
    }

    private Object removeNetwork(Request request, Response response) {
        Account account = account(request);
        IpRange range = parseRange(request.params("cidr"));
        if (!backend.trustedNetworkRepository().remove(account.id(), range)) {
            throw JsonBody.notFound("account '" + account.name() + "' has no trusted network " + range);
        }
        backend.trustedNetworks().invalidate();
        return WebAdminRoutes.noContent(response);
    }

    private static IpRange parseRange(String raw) {
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
        ProviderSettings settings = backend.providerSettings().get(account.id())
            .orElseThrow(() -> JsonBody.notFound("account '" + account.name() + "' has no provider settings"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("provider", settings.provider().wireName());
        json.put("settings", settings.settings());
        // write-only: only which secrets are set, never their values
        json.put("secrets", backend.secretVault().names(SecretVault.accountScope(account.id(), PROVIDER_SECRETS)));
        // set by delivery when the provider refused the grant (invalid_grant); cleared by the next PUT of this resource
        Optional<ReconsentFlag> reconsent = backend.providerSettings().reconsentFlag(account.id());
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
        String providerName = body.string("provider").orElseThrow(() -> JsonBody.badRequest("'provider' is required: one of "
            + ProviderSettings.Provider.allWireNames()));
        ProviderSettings.Provider provider;
        try {
            provider = ProviderSettings.Provider.fromWireName(providerName.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JsonBody.badRequest(e.getMessage());
        }
        Map<String, String> settings = body.stringMap("settings", false);
        settings.forEach((name, value) -> {
            checkSettingName("settings", name);
            if (SECRET_LIKE.matcher(name).matches()) {
                throw JsonBody.badRequest("'settings." + name + "' looks like a secret: put it under 'secrets', which are stored "
                    + "encrypted and never returned");
            }
            if (value.length() > MAX_SETTING_LENGTH) {
                throw JsonBody.badRequest("'settings." + name + "' is longer than " + MAX_SETTING_LENGTH + " characters");
            }
        });
        Map<String, String> secrets = body.stringMap("secrets", true);
        secrets.forEach((name, value) -> {
            checkSettingName("secrets", name);
            if (value != null && (value.isEmpty() || value.length() > MAX_SECRET_LENGTH)) {
                throw JsonBody.badRequest("'secrets." + name + "' must be 1 to " + MAX_SECRET_LENGTH + " characters (or null to remove it)");
            }
        });

        String scope = SecretVault.accountScope(account.id(), PROVIDER_SECRETS);
        Optional<ProviderSettings> previous = backend.providerSettings().get(account.id());
        if (previous.isPresent() && previous.get().provider() != provider) {
            backend.secretVault().deleteScope(scope); // another provider's secrets must not linger
        }
        backend.providerSettings().put(account.id(), new ProviderSettings(provider, settings));
        secrets.forEach((name, value) -> {
            if (value == null) {
                backend.secretVault().delete(scope, name);
            } else {
                backend.secretVault().put(scope, name, Optional.of(account.id()), value);
            }
        });
        return WebAdminRoutes.noContent(response);
    }

    private static void checkSettingName(String field, String name) {
        if (!SETTING_NAME.matcher(name).matches()) {
            throw JsonBody.badRequest("'" + field + "' names must be 1 to 64 characters A-Z a-z 0-9 . _ -, was '" + name + "'");
        }
    }

    private Object deleteProvider(Request request, Response response) {
        Account account = account(request);
        boolean deleted = backend.providerSettings().delete(account.id());
        int secrets = backend.secretVault().deleteScope(SecretVault.accountScope(account.id(), PROVIDER_SECRETS));
        if (!deleted && secrets == 0) {
            throw JsonBody.notFound("account '" + account.name() + "' has no provider settings");
        }
        return WebAdminRoutes.noContent(response);
    }

    // ---- limits ----

    private Map<String, Object> limits(Account account) {
        RateLimitPolicy policy = backend.rateLimits().policy();
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
        Account updated = account.withLimits(body.integer("messagesPerMinute", 1, RateLimitPolicy.MAX_LIMIT),
            body.integer("recipientsPerDay", 1, RateLimitPolicy.MAX_LIMIT));
        backend.accounts().update(updated);
        return WebAdminRoutes.noContent(response);
    }
}
