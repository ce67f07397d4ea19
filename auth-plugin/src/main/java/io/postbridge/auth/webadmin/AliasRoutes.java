package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;


import io.postbridge.core.alias.AliasCatalog;
import io.postbridge.core.alias.AliasCycles;
import io.postbridge.core.alias.AliasDefinition;
import io.postbridge.core.alias.AliasForwarding;
import io.postbridge.core.alias.AliasForwardingSource;
import io.postbridge.core.alias.AliasRepository;
import io.postbridge.core.alias.AliasSource;
import io.postbridge.core.alias.DisabledMode;
import io.postbridge.core.alias.ForwardingConfigException;
import io.postbridge.core.alias.InvalidAliasException;
import io.postbridge.core.alias.LocalMailboxes;
import io.postbridge.core.alias.Resolution;
import spark.Request;
import spark.Response;

/**
 * Run-time aliases. A run-time alias overrides an alias of mailetcontainer.xml with the same address; deleting it
 * brings the configured one back. Enabled by listing this class in {@code extensions.routes} of webadmin.properties.
 *
 * <pre>
 * GET    /postbridge/aliases                          every alias in effect (both origins)
 * GET    /postbridge/aliases/{address}                one alias (404 if none)
 * PUT    /postbridge/aliases/{address}                {"targets":["a@x"],"keepTag":false,"disabled":"no|reject|drop"} -> 204
 * DELETE /postbridge/aliases/{address}                removes the run-time alias -> 204
 * GET    /postbridge/aliases/{address}/resolution     what mail to this recipient would do now (targets, and
 *                                                     whether each local target has a mailbox)
 * </pre>
 * {@code {address}} is an address, a pattern ({@code support-*@example.com}) or a catch-all ({@code @example.com}),
 * URL-encoded.
 */
public class AliasRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/aliases";

    private final AliasRepository runtimeAliases;
    private final AliasForwardingSource forwardingSource;
    private final LocalMailboxes mailboxes;

    @Inject
    public AliasRoutes(AliasRepository runtimeAliases, AliasForwardingSource forwardingSource, LocalMailboxes mailboxes,
                       JsonTransformer jsonTransformer) {
        super(BASE_PATH, jsonTransformer);
        this.runtimeAliases = runtimeAliases;
        this.forwardingSource = forwardingSource;
        this.mailboxes = mailboxes;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(BASE_PATH, (request, response) -> {
                AliasCatalog catalog = catalog();
                return catalog.effective().stream().map(entry -> toJson(entry, catalog)).collect(Collectors.toList());
            })
            .get(BASE_PATH + "/:address/resolution", this::resolution)
            .get(BASE_PATH + "/:address", (request, response) -> {
                AliasSource source = source(request);
                AliasCatalog catalog = catalog();
                return catalog.get(source.key()).map(entry -> toJson(entry, catalog))
                    .orElseThrow(() -> JsonBody.notFound("no alias '" + source.key() + "'"));
            })
            .put(BASE_PATH + "/:address", this::put)
            .delete(BASE_PATH + "/:address", this::delete);
    }

    private Object put(Request request, Response response) throws ForwardingConfigException {
        AliasSource source = source(request);
        JsonBody body = JsonBody.parse(request, Set.of("targets", "keepTag", "disabled"));
        List<String> targets = body.stringList("targets");
        boolean keepTag = body.bool("keepTag", false);
        DisabledMode disabled = body.choice("disabled", DisabledMode::fromWireName, DisabledMode.allWireNames()).orElse(DisabledMode.NO);
        AliasDefinition alias;
        try {
            alias = AliasDefinition.of(source.key(), targets, keepTag, disabled);
        } catch (InvalidAliasException e) {
            throw JsonBody.badRequest("alias '" + source.key() + "': " + e.getMessage());
        }
        checkNoCycle(alias);
        runtimeAliases.put(alias);
        return WebAdminRoutes.noContent(response);
    }

    private void checkNoCycle(AliasDefinition candidate) throws ForwardingConfigException {
        Map<String, AliasDefinition> after = new LinkedHashMap<>();
        catalog().effective().forEach(entry -> after.put(entry.definition().source().key(), entry.definition()));
        after.put(candidate.source().key(), candidate);
        String delimiter = forwarding().map(f -> f.config().resolverSettings().delimiter()).orElse("+");
        AliasCycles.find(after.values(), delimiter).ifPresent(cycle -> {
            throw JsonBody.badRequest("alias '" + candidate.source().key() + "' would make aliases point back at each other: " + cycle);
        });
    }

    private Object delete(Request request, Response response) throws ForwardingConfigException {
        AliasSource source = source(request);
        if (!runtimeAliases.remove(source.key())) {
            boolean configured = catalog().configured(source.key()).isPresent();
            throw JsonBody.notFound(configured
                ? "'" + source.key() + "' is defined in mailetcontainer.xml, not at run time; edit the file, "
                    + "or PUT a run-time alias with \"disabled\":\"reject\" to override it"
                : "no run-time alias '" + source.key() + "'");
        }
        return WebAdminRoutes.noContent(response);
    }

    private Object resolution(Request request, Response response) throws ForwardingConfigException {
        String recipient = request.params(":address").trim();
        AliasForwarding forwarding = forwarding().orElseThrow(() -> JsonBody.conflict(
            "alias forwarding is off: no io.postbridge.mailets.AliasForward mailet in mailetcontainer.xml"));
        if (recipient.lastIndexOf('@') <= 0) {
            throw JsonBody.badRequest("'" + recipient + "' is not an address");
        }
        Resolution resolution = forwarding.resolve(recipient);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("recipient", recipient);
        json.put("outcome", resolution.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        json.put("alias", resolution.alias().map(entry -> entry.definition().source().key()).orElse(null));
        json.put("origin", resolution.alias().map(entry -> entry.origin().wireName()).orElse(null));
        json.put("targets", resolution.targets().stream().map(target -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("address", target.address());
            t.put("local", target.isLocal());
            // a local target nobody owns would bounce after acceptance: show it before mail does
            t.put("deliverable", !target.isLocal() || mailboxes.isLocalUser(target.address()));
            return t;
        }).collect(Collectors.toList()));
        json.put("detail", resolution.detail().isEmpty() ? null : resolution.detail());
        return json;
    }

    private AliasCatalog catalog() throws ForwardingConfigException {
        return forwarding().map(AliasForwarding::catalog).orElseGet(() -> AliasCatalog.empty(runtimeAliases));
    }

    /** A broken alias configuration (edited since start-up) answers 500 with its message, see {@link WebAdminRoutes}. */
    private Optional<AliasForwarding> forwarding() throws ForwardingConfigException {
        return forwardingSource.get();
    }

    private static AliasSource source(Request request) {
        return JsonBody.pathParam(request, ":address", AliasSource::parse);
    }

    private static Map<String, Object> toJson(AliasCatalog.Entry entry, AliasCatalog catalog) {
        AliasDefinition alias = entry.definition();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", alias.source().key());
        json.put("kind", alias.source().kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        json.put("targets", alias.targets());
        json.put("keepTag", alias.keepTag());
        json.put("disabled", alias.disabled().wireName());
        json.put("origin", entry.origin().wireName());
        json.put("overridesConfigured", entry.origin() == AliasCatalog.Origin.RUNTIME
            && catalog.configured(alias.source().key()).isPresent());
        return json;
    }
}
