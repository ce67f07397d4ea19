package io.postbridge.auth.webadmin;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
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

import io.postbridge.core.config.Durations;
import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimDnsRecord;
import io.postbridge.core.dkim.DkimKeyException;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.keys.DkimKeyTable;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.rotation.DkimKeyState;
import io.postbridge.core.dkim.rotation.DkimKeyStatus;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * DKIM keys through WebAdmin. Enabled by adding {@code io.postbridge.auth.webadmin.DkimRoutes} to
 * {@code extensions.routes} in webadmin.properties.
 * <pre>
 * GET    /postbridge/dkim/domains                               domains with managed keys
 * GET    /postbridge/dkim/domains/{domain}/keys                 managed keys, their state and DNS records
 * POST   /postbridge/dkim/domains/{domain}/keys                 generate {"algorithm","selector","rsaBits","activateAfter","requireDnsMatch"}
 * POST   /postbridge/dkim/domains/{domain}/rotate               new key per algorithm in use {"activateAfter","requireDnsMatch","rsaBits"}
 * GET    /postbridge/dkim/domains/{domain}/keys/{selector}
 * POST   /postbridge/dkim/domains/{domain}/keys/{selector}?action=activate|retire|check-dns
 * DELETE /postbridge/dkim/domains/{domain}/keys/{selector}      (not while it signs)
 * GET    /postbridge/dkim/domains/{domain}/dns                  zone-file lines to publish (text/plain)
 * GET    /postbridge/dkim/configured                            keys of the DkimSign key tables in mailetcontainer.xml
 * </pre>
 */
public class DkimRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/dkim";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManagedDkimKeys keys;
    private final DkimKeyTableRegistry tables;
    private final JsonTransformer jsonTransformer;

    @Inject
    public DkimRoutes(ManagedDkimKeys keys, DkimKeyTableRegistry tables, JsonTransformer jsonTransformer) {
        this.keys = keys;
        this.tables = tables;
        this.jsonTransformer = jsonTransformer;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH + "/domains", (req, res) -> io(keys::domains), jsonTransformer);
        service.get(BASE_PATH + "/configured", (req, res) -> configured(), jsonTransformer);
        service.get(BASE_PATH + "/domains/:domain/keys", (req, res) ->
            io(() -> keys.statuses(domain(req)).stream().map(DkimRoutes::toJson).collect(Collectors.toList())),
            jsonTransformer);
        service.post(BASE_PATH + "/domains/:domain/keys", this::generate, jsonTransformer);
        service.post(BASE_PATH + "/domains/:domain/rotate", this::rotate, jsonTransformer);
        service.get(BASE_PATH + "/domains/:domain/keys/:selector", (req, res) ->
            toJson(io(() -> keys.status(domain(req), selector(req)))), jsonTransformer);
        service.post(BASE_PATH + "/domains/:domain/keys/:selector", this::act, jsonTransformer);
        service.delete(BASE_PATH + "/domains/:domain/keys/:selector", (req, res) -> {
            io(() -> {
                keys.delete(domain(req), selector(req));
                return null;
            });
            res.status(204);
            return "";
        });
        service.get(BASE_PATH + "/domains/:domain/dns", this::zoneFile);
    }

    private Object generate(Request req, Response res) {
        JsonNode body = body(req);
        DkimAlgorithm algorithm = parse("algorithm", text(body, "algorithm").orElse("rsa-sha256"), DkimAlgorithm::parse);
        Optional<String> selector = text(body, "selector");
        int rsaBits = body.path("rsaBits").asInt(DkimKeyGenerator.DEFAULT_RSA_BITS);
        Optional<Duration> activateAfter = text(body, "activateAfter").map(v -> parse("activateAfter", v, Durations::parse));
        boolean requireDns = body.path("requireDnsMatch").asBoolean(false);
        DkimKeyStatus created = io(() -> keys.generate(domain(req), algorithm, selector, rsaBits, activateAfter, requireDns));
        res.status(201);
        return toJson(created);
    }

    private Object rotate(Request req, Response res) {
        JsonNode body = body(req);
        int rsaBits = body.path("rsaBits").asInt(DkimKeyGenerator.DEFAULT_RSA_BITS);
        Optional<Duration> activateAfter = text(body, "activateAfter").map(v -> parse("activateAfter", v, Durations::parse));
        boolean requireDns = body.path("requireDnsMatch").asBoolean(false);
        List<DkimKeyStatus> created = io(() -> keys.rotate(domain(req), rsaBits, activateAfter, requireDns));
        res.status(201);
        return created.stream().map(DkimRoutes::toJson).collect(Collectors.toList());
    }

    private Object act(Request req, Response res) {
        String action = Optional.ofNullable(req.queryParams("action")).orElse("");
        switch (action) {
            case "activate":
                return toJson(io(() -> keys.activateNow(domain(req), selector(req))));
            case "retire":
                return toJson(io(() -> keys.retire(domain(req), selector(req))));
            case "check-dns":
                return toJson(io(() -> keys.checkDns(domain(req), selector(req))));
            default:
                throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT,
                    "'action' must be activate, retire or check-dns, was '" + action + "'");
        }
    }

    private Object zoneFile(Request req, Response res) {
        List<DkimKeyStatus> statuses = io(() -> keys.statuses(domain(req)));
        StringBuilder zone = new StringBuilder("; DKIM records for " + domain(req) + " (Postbridge managed keys)\n");
        for (DkimKeyStatus status : statuses) {
            DkimDnsRecord record = status.key().dnsRecord();
            if (status.state() == DkimKeyState.REMOVABLE) {
                zone.append("; ").append(record.name()).append(": retired, the record can be removed\n");
            } else {
                zone.append("; ").append(status.state().wireName()).append('\n').append(record.zoneFileLine()).append('\n');
            }
        }
        res.type("text/plain; charset=utf-8");
        return zone.toString();
    }

    private List<Map<String, Object>> configured() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map.Entry<String, DkimKeyTable> table : tables.tables().entrySet()) {
            for (DkimKeyTable.RowStatus row : table.getValue().statuses()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("mailet", table.getKey());
                json.put("domain", row.entry().domain().toString());
                json.put("selector", row.entry().selector());
                json.put("privateKey", row.entry().privateKey().toString());
                json.put("loaded", row.key().isPresent());
                json.put("algorithm", row.key().map(k -> k.algorithm().tagValue()).orElse(null));
                json.put("problem", row.problem().orElse(null));
                json.put("dnsRecord", row.key().map(DkimSigningKey::dnsRecord).map(DkimRoutes::toJson).orElse(null));
                rows.add(json);
            }
        }
        return rows;
    }

    static Map<String, Object> toJson(DkimKeyStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("domain", status.key().domain());
        json.put("selector", status.key().selector());
        json.put("algorithm", status.key().algorithm().tagValue());
        json.put("state", status.state().wireName());
        json.put("createdAt", status.key().createdAt().toString());
        json.put("activateAt", status.key().activateAt().map(Instant::toString).orElse(null));
        json.put("activatedAt", status.activatedAt().map(Instant::toString).orElse(null));
        json.put("retiredAt", status.retiredAt().map(Instant::toString).orElse(null));
        json.put("dnsRemovableAt", status.dnsRemovableAt().map(Instant::toString).orElse(null));
        json.put("requireDnsMatch", status.key().requireDnsMatch());
        json.put("dnsConfirmedAt", status.key().dnsConfirmedAt().map(Instant::toString).orElse(null));
        json.put("dnsCheckedAt", status.key().dnsCheckedAt().map(Instant::toString).orElse(null));
        json.put("dnsProblem", status.key().dnsProblem().orElse(null));
        json.put("dnsRecord", toJson(status.key().dnsRecord()));
        return json;
    }

    static Map<String, Object> toJson(DkimDnsRecord record) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", record.name());
        json.put("type", "TXT");
        json.put("value", record.value());
        json.put("zoneFile", record.zoneFileLine());
        return json;
    }

    private static String domain(Request req) {
        try {
            return DkimSigningKey.normalizeDomain(req.params("domain"));
        } catch (IllegalArgumentException e) {
            throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT, e.getMessage());
        }
    }

    private static String selector(Request req) {
        try {
            return DkimSigningKey.normalizeSelector(req.params("selector"));
        } catch (IllegalArgumentException e) {
            throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT, e.getMessage());
        }
    }

    private static JsonNode body(Request req) {
        String text = req.body();
        if (text == null || text.trim().isEmpty()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isObject()) {
                throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT, "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT, "the body is not JSON: " + e.getMessage());
        }
    }

    private static Optional<String> text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private interface Parser<T> {
        T parse(String value);
    }

    private static <T> T parse(String field, String value, Parser<T> parser) {
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT, "'" + field + "': " + e.getMessage());
        }
    }

    private interface Action<T> {
        T run() throws IOException, DkimKeyException;
    }

    /** Runs a key operation, turning its failures into WebAdmin JSON errors. */
    private static <T> T io(Action<T> action) {
        try {
            return action.run();
        } catch (ManagedDkimKeys.NoSuchKeyException e) {
            throw error(404, ErrorResponder.ErrorType.NOT_FOUND, e.getMessage());
        } catch (IllegalArgumentException | DkimKeyException e) {
            throw error(400, ErrorResponder.ErrorType.INVALID_ARGUMENT, e.getMessage());
        } catch (IllegalStateException e) {
            throw error(409, ErrorResponder.ErrorType.WRONG_STATE, e.getMessage());
        } catch (IOException e) {
            throw ErrorResponder.builder().statusCode(500).type(ErrorResponder.ErrorType.SERVER_ERROR)
                .message("DKIM key store error: " + e.getMessage()).cause(e).haltError();
        }
    }

    private static RuntimeException error(int status, ErrorResponder.ErrorType type, String message) {
        return ErrorResponder.builder().statusCode(status).type(type).message(message).haltError();
    }
}
