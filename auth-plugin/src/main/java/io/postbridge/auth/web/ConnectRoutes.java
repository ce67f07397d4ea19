package io.postbridge.auth.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import io.postbridge.core.consent.ConsentOutcome;
import io.postbridge.core.consent.ConsentPages;
import io.postbridge.core.consent.ConsentProvider;
import io.postbridge.core.consent.ConsentService;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The consent pages on the public listener: {@code GET /connect} (one button per provider), {@code GET
 * /connect/{google|microsoft}} (starts an attempt: sets the browser cookie, redirects to the provider) and the
 * callbacks {@code GET /connect/{provider}/callback} (the outcome page; the key is in this one response only, which
 * is never cached, and a reload finds the state used). The logic is {@link ConsentService}'s.
 */
public class ConnectRoutes implements PublicWebRoutes {
    static final String COOKIE = "pb_consent";

    private final ConsentService consent;

    @Inject
    public ConnectRoutes(ConsentService consent) {
        this.consent = consent;
    }

    @Override
    public void define(Service service) {
        service.get("/connect", (request, response) -> html(response, 200,
            ConsentPages.landing(consent.clients().configured(), Optional.ofNullable(request.queryParams("invitation")))));
        service.get(ConsentPages.STYLESHEET, (request, response) -> asset(response, "text/css; charset=utf-8", ConsentPages.stylesheet()));
        service.get(ConsentPages.SCRIPT, (request, response) -> asset(response, "text/javascript; charset=utf-8", ConsentPages.copyScript()));
        service.get("/connect/:provider", this::start);
        service.get("/connect/:provider/callback", this::callback);
    }

    private Object start(Request request, Response response) {
        Optional<ConsentProvider> provider = ConsentProvider.fromPathName(request.params("provider"));
        if (provider.isEmpty()) {
            return notFound(response);
        }
        ConsentService.StartOrProblem start = consent.start(provider.get(), cookie(request),
            Optional.ofNullable(request.queryParams("login_hint")), Optional.ofNullable(request.queryParams("invitation")));
        if (start.problem().isPresent()) {
            return outcome(response, start.problem().get());
        }
        ConsentService.Start started = start.started().orElseThrow();
        // SameSite=Lax, not Strict: the provider's redirect back is a cross-site top-level GET
        response.header("Set-Cookie", COOKIE + "=" + started.browserCookie() + "; Path=/connect; Max-Age="
            + consent.settings().stateLifetime().getSeconds() + "; HttpOnly; SameSite=Lax" + (consent.settings().secureCookies() ? "; Secure" : ""));
        response.redirect(started.authorizeUrl().toString(), 302);
        return "";
    }

    private Object callback(Request request, Response response) {
        Optional<ConsentProvider> provider = ConsentProvider.fromPathName(request.params("provider"));
        if (provider.isEmpty()) {
            return notFound(response);
        }
        return outcome(response, consent.callback(provider.get(), query(request), cookie(request)));
    }

    private String outcome(Response response, ConsentOutcome outcome) {
        int status = outcome.success() ? 200 : outcome.kind() == ConsentOutcome.Kind.PROVIDER_DOWN ? 503 : 400;
        return html(response, status, ConsentPages.outcome(outcome, consent.settings()));
    }

    /** The raw query, decoded once: Google's codes contain '/', and a double decode turns them into invalid_grant. */
    private static Map<String, String> query(Request request) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = request.raw().getQueryString();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    query.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // a malformed escape: the parameter is ignored, the state check then fails cleanly
                }
            }
        }
        return query;
    }

    private static Optional<String> cookie(Request request) {
        return Optional.ofNullable(request.cookie(COOKIE)).filter(value -> !value.isEmpty());
    }

    private static String html(Response response, int status, String body) {
        response.status(status);
        response.type("text/html; charset=utf-8");
        return body;
    }

    private static String asset(Response response, String type, String body) {
        response.type(type);
        response.header("Cache-Control", "public, max-age=3600");
        return body;
    }

    private static String notFound(Response response) {
        response.status(404);
        response.type("text/plain; charset=utf-8");
        return "Not found\n";
    }
}
