package io.postbridge.auth.webadmin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import spark.Service;

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
public class AliasRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/aliases";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AliasRepository runtimeAliases;
    private final AliasForwardingSource forwardingSource;
    private final LocalMailboxes mailboxes;
    private final JsonTransformer jsonTransformer;

    @Inject
    public AliasRoutes(AliasRepository runtimeAliases, AliasForwardingSource forwardingSource, LocalMailboxes mailboxes,
                       JsonTransformer jsonTransformer) {
        this.runtimeAliases = runtimeAliases;
        this.forwardingSource = forwardingSource;
        this.mailboxes = mailboxes;
        this.jsonTransformer = jsonTransformer;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> catalog().effective().stream()
            .map(entry -> toJson(entry, catalog()))
            .collect(Collectors.toList()), jsonTransformer);
        service.get(BASE_PATH + "/:address/resolution", this::resolution, jsonTransformer);
        service.get(BASE_PATH + "/:address", (request, response) -> {
            AliasSource source = source(request);
            AliasCatalog catalog = catalog();
            return catalog.get(source.key()).map(entry -> toJson(entry, catalog))
                .orElseThrow(() -> notFound("no alias '" + source.key() + "'"));
        }, jsonTransformer);
        service.put(BASE_PATH + "/:address", this::put);
        service.delete(BASE_PATH + "/:address", this::delete);
    }

    private Object put(Request request, Response response) {
        AliasSource source = source(request);
        String hint = "the body must be a JSON object sent with Content-Type: application/json, "
            + "like {\"targets\":[\"alice@example.com\"]}";
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (Exception e) {
            throw badRequest(hint);
        }
        if (body == null || !body.isObject()) {
            throw badRequest(hint);
        }
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!List.of("targets", "keepTag", "disabled").contains(name)) {
                unknown.add(name);
            }
        });
        if (!unknown.isEmpty()) {
            throw badRequest("unknown field(s) " + unknown + "; expected targets, keepTag, disabled");
        }
        List<String> targets = new ArrayList<>();
        JsonNode targetsNode = body.path("targets");
        if (!targetsNode.isMissingNode() && !targetsNode.isArray()) {
            throw badRequest("'targets' must be an array of addresses");
        }
        for (JsonNode target : targetsNode) {
            if (!target.isTextual()) {
                throw badRequest("'targets' must be an array of addresses");
            }
            targets.add(target.asText());
        }
        JsonNode keepTag = body.path("keepTag");
        if (!keepTag.isMissingNode() && !keepTag.isBoolean()) {
            throw badRequest("'keepTag' must be true or false");
        }
        DisabledMode disabled = DisabledMode.NO;
        JsonNode disabledNode = body.path("disabled");
        if (!disabledNode.isMissingNode()) {
            disabled = DisabledMode.fromWireName(disabledNode.asText())
                .orElseThrow(() -> badRequest("'disabled' must be one of " + DisabledMode.allWireNames()));
        }
        AliasDefinition alias;
        try {
            alias = AliasDefinition.of(source.key(), targets, keepTag.asBoolean(false), disabled);
        } catch (InvalidAliasException e) {
            throw badRequest("alias '" + source.key() + "': " + e.getMessage());
        }
        checkNoCycle(alias);
        runtimeAliases.put(alias);
        response.status(204);
        return "";
    }

    private void checkNoCycle(AliasDefinition candidate) {
        Map<String, AliasDefinition> after = new LinkedHashMap<>();
        catalog().effective().forEach(entry -> after.put(entry.definition().source().key(), entry.definition()));
        after.put(candidate.source().key(), candidate);
        String delimiter = forwarding().map(f -> f.config().resolverSettings().delimiter()).orElse("+");
        AliasCycles.find(after.values(), delimiter).ifPresent(cycle -> {
            throw badRequest("alias '" + candidate.source().key() + "' would make aliases point back at each other: " + cycle);
        });
    }

    private Object delete(Request request, Response response) {
        AliasSource source = source(request);
        if (!runtimeAliases.remove(source.key())) {
            boolean configured = catalog().configured(source.key()).isPresent();
            throw notFound(configured
                ? "'" + source.key() + "' is defined in mailetcontainer.xml, not at run time; edit the file, "
                    + "or PUT a run-time alias with \"disabled\":\"reject\" to override it"
                : "no run-time alias '" + source.key() + "'");
        }
        response.status(204);
        return "";
    }

    private Object resolution(Request request, Response response) {
        String recipient = request.params(":address").trim();
        AliasForwarding forwarding = forwarding().orElseThrow(() -> ErrorResponder.builder()
            .statusCode(409).type(ErrorResponder.ErrorType.WRONG_STATE)
            .message("alias forwarding is off: no io.postbridge.mailets.AliasForward mailet in mailetcontainer.xml")
            .haltError());
        if (recipient.lastIndexOf('@') <= 0) {
            throw badRequest("'" + recipient + "' is not an address");
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

    private AliasCatalog catalog() {
        return forwarding().map(AliasForwarding::catalog).orElseGet(() -> AliasCatalog.empty(runtimeAliases));
    }

    private Optional<AliasForwarding> forwarding() {
        try {
            return forwardingSource.get();
        } catch (ForwardingConfigException e) {
            throw ErrorResponder.builder().statusCode(500).type(ErrorResponder.ErrorType.SERVER_ERROR)
                .message(e.getMessage()).haltError();
        }
    }

    private static AliasSource source(Request request) {
        try {
            return AliasSource.parse(request.params(":address"));
        } catch (InvalidAliasException e) {
            throw badRequest(e.getMessage());
        }
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

    private static RuntimeException badRequest(String message) {
        return ErrorResponder.builder().statusCode(400).type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
            .message(message).haltError();
    }

    private static RuntimeException notFound(String message) {
        return ErrorResponder.builder().statusCode(404).type(ErrorResponder.ErrorType.NOT_FOUND)
            .message(message).haltError();
    }
}
