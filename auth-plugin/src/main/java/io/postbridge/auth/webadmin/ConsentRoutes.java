package io.postbridge.auth.webadmin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.consent.ConsentService;
import io.postbridge.core.consent.Invitations;
import io.postbridge.core.settings.ConsentSettings;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The operator's side of the consent pages, under {@code /postbridge/consent}: {@code GET} shows how the listener is
 * set up (the redirect URIs to register at Google and Microsoft), {@code POST /invitations} issues a signed, expiring
 * invitation link ({@code consent.mode=invitation}). Enabled by adding
 * {@code io.postbridge.auth.webadmin.ConsentRoutes} to {@code extensions.routes} in {@code webadmin.properties}.
 */
public class ConsentRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/consent";

    private final ConsentService consent;
    private final Invitations invitations;
    private final JsonTransformer json;

    @Inject
    public ConsentRoutes(ConsentService consent, Invitations invitations, JsonTransformer json) {
        this.consent = consent;
        this.invitations = invitations;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        WebAdminRoutes.on(service, json)
            .get(BASE_PATH, (request, response) -> status())
            .post(BASE_PATH + "/invitations", this::invite);
    }

    private Map<String, Object> status() {
        ConsentSettings settings = consent.settings();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("enabled", settings.enabled());
        status.put("url", settings.externalUrl() + "/connect");
        status.put("mode", settings.mode().name().toLowerCase(java.util.Locale.ROOT));
        status.put("allowedDomains", settings.allowedDomains().isEmpty() ? null : List.copyOf(settings.allowedDomains()));
        status.put("providers", settings.providers().stream().map(provider -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("provider", provider.pathName());
            entry.put("clientId", settings.client(provider).orElseThrow().clientId());
            entry.put("redirectUri", settings.client(provider).orElseThrow().redirectUri().toString());
            return entry;
        }).collect(Collectors.toList()));
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
