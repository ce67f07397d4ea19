package io.postbridge.auth.webadmin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.consent.ConsentProvider;
import io.postbridge.core.consent.ConsentService;
import io.postbridge.core.consent.Invitations;
import io.postbridge.core.consent.OAuthClient;
import io.postbridge.core.settings.ConsentSettings;
import spark.Request;
import spark.Response;

/**
 * The operator's side of the consent pages, under {@code /postbridge/consent}: {@code GET} shows how the listener is
 * set up (the redirect URIs to register at Google and Microsoft), {@code POST /invitations} issues a signed, expiring
 * invitation link ({@code consent.mode=invitation}), {@code PUT/GET/DELETE /providers/google|microsoft} sets each
 * provider's OAuth client (the secret sealed in the store and never answered back; it wins over postbridge.properties).
 * Enabled by adding
 * {@code io.postbridge.auth.webadmin.ConsentRoutes} to {@code extensions.routes} in {@code webadmin.properties}.
 */
public class ConsentRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/consent";

    private static final String PROVIDER = BASE_PATH + "/providers/:provider";

    private final ConsentService consent;
    private final Invitations invitations;

    @Inject
    public ConsentRoutes(ConsentService consent, Invitations invitations, JsonTransformer json) {
        super(BASE_PATH, json);
        this.consent = consent;
        this.invitations = invitations;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes.get(BASE_PATH, (request, response) -> status())
            .post(BASE_PATH + "/invitations", this::invite)
            .get(PROVIDER, (request, response) -> client(provider(request)))
            .put(PROVIDER, this::putClient)
            .delete(PROVIDER, this::deleteClient);
    }

    /** Body: {"clientId": "...", "clientSecret": "..."}; the secret is sealed in the store and never shown again. */
    private Object putClient(Request request, Response response) {
        ConsentProvider provider = provider(request);
        JsonBody body = JsonBody.parse(request, Set.of("clientId", "clientSecret"));
        consent.clients().put(provider, body.requiredString("clientId"), body.requiredString("clientSecret"));
        return WebAdminRoutes.noContent(response);
    }

    private Object deleteClient(Request request, Response response) {
        ConsentProvider provider = provider(request);
        if (!consent.clients().delete(provider)) {
            throw JsonBody.notFound("no OAuth client for " + provider.pathName() + " is stored (postbridge.properties' one, if any, applies)");
        }
        return WebAdminRoutes.noContent(response);
    }

    private Map<String, Object> client(ConsentProvider provider) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("provider", provider.pathName());
        Optional<OAuthClient> client = consent.clients().client(provider);
        entry.put("source", consent.clients().source(provider).name().toLowerCase(Locale.ROOT));
        entry.put("clientId", client.map(OAuthClient::clientId).orElse(null));
        entry.put("clientSecretSet", client.isPresent()); // the secret itself is never answered
        entry.put("redirectUri", consent.settings().endpoints(provider).redirectUri().toString());
        return entry;
    }

    private static ConsentProvider provider(Request request) {
        return JsonBody.pathParam(request, ":provider", name -> ConsentProvider.fromPathName(name)
            .orElseThrow(() -> new IllegalArgumentException("must be google or microsoft, was '" + name + "'")));
    }

    private Map<String, Object> status() {
        ConsentSettings settings = consent.settings();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("enabled", settings.enabled());
        status.put("url", settings.externalUrl() + "/connect");
        status.put("mode", settings.mode().name().toLowerCase(java.util.Locale.ROOT));
        status.put("allowedDomains", settings.allowedDomains().isEmpty() ? null : List.copyOf(settings.allowedDomains()));
        status.put("providers", consent.clients().configured().stream().map(this::client).collect(Collectors.toList()));
        return status;
    }

    /** Body (optional): {"mailbox": "alice@example.com", "validFor": "3d"}; without mailbox any allowed address may use it. */
    private Object invite(Request request, Response response) {
        JsonBody body = JsonBody.parse(request, Set.of("mailbox", "validFor"));
        Optional<String> mailbox = body.parsed("mailbox", raw -> {
            SenderPattern pattern = SenderPattern.parse(raw);
            if (pattern.isDomain()) {
                throw new IllegalArgumentException("must be one address, not a domain");
            }
            return pattern.asString();
        });
        Duration validFor = body.duration("validFor").orElse(consent.settings().invitationLifetime());
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(Duration.ofDays(90)) > 0) {
            throw JsonBody.badRequest("'validFor' must be more than 0 and at most 90d, was '" + body.string("validFor").orElse("") + "'");
        }
        String token = invitations.issue(mailbox, validFor);
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("link", consent.settings().externalUrl() + "/connect?invitation=" + token);
        link.put("mailbox", mailbox.orElse(null));
        link.put("expiresAt", invitations.verify(token).orElseThrow().expiresAt().toString());
        return WebAdminRoutes.created(response, link);
    }
}
