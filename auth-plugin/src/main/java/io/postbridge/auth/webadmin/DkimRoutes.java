package io.postbridge.auth.webadmin;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;


import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimDnsRecord;
import io.postbridge.core.dkim.DkimKeyException;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.keys.DkimKeyTable;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.rotation.DkimKeyState;
import io.postbridge.core.dkim.rotation.DkimKeyStatus;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import spark.Request;
import spark.Response;

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
public class DkimRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/dkim";

    private final ManagedDkimKeys keys;
    private final DkimKeyTableRegistry tables;

    @Inject
    public DkimRoutes(ManagedDkimKeys keys, DkimKeyTableRegistry tables, JsonTransformer jsonTransformer) {
        super(BASE_PATH, jsonTransformer);
        this.keys = keys;
        this.tables = tables;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(BASE_PATH + "/domains", (req, res) -> keys.domains())
            .get(BASE_PATH + "/configured", (req, res) -> configured())
            .get(BASE_PATH + "/domains/:domain/keys", (req, res) ->
                keys.statuses(domain(req)).stream().map(DkimRoutes::toJson).collect(Collectors.toList()))
            .post(BASE_PATH + "/domains/:domain/keys", this::generate)
            .post(BASE_PATH + "/domains/:domain/rotate", this::rotate)
            .get(BASE_PATH + "/domains/:domain/keys/:selector", (req, res) -> toJson(keys.status(domain(req), selector(req))))
            .post(BASE_PATH + "/domains/:domain/keys/:selector", this::act)
            .delete(BASE_PATH + "/domains/:domain/keys/:selector", (req, res) -> {
                keys.delete(domain(req), selector(req));
                return WebAdminRoutes.noContent(res);
            })
            .get(BASE_PATH + "/domains/:domain/dns", this::zoneFile);
    }

    private Object generate(Request req, Response res) throws IOException, DkimKeyException {
        JsonBody body = JsonBody.parse(req, Set.of("algorithm", "selector", "rsaBits", "activateAfter", "requireDnsMatch"));
        DkimAlgorithm algorithm = body.parsed("algorithm", DkimAlgorithm::parse).orElse(DkimAlgorithm.parse("rsa-sha256"));
        Optional<String> selector = body.string("selector");
        int rsaBits = rsaBits(body);
        Optional<Duration> activateAfter = body.duration("activateAfter");
        boolean requireDns = body.bool("requireDnsMatch", false);
        return WebAdminRoutes.created(res, toJson(keys.generate(domain(req), algorithm, selector, rsaBits, activateAfter, requireDns)));
    }

    private Object rotate(Request req, Response res) throws IOException, DkimKeyException {
        JsonBody body = JsonBody.parse(req, Set.of("rsaBits", "activateAfter", "requireDnsMatch"));
        int rsaBits = rsaBits(body);
        Optional<Duration> activateAfter = body.duration("activateAfter");
        boolean requireDns = body.bool("requireDnsMatch", false);
        List<DkimKeyStatus> created = keys.rotate(domain(req), rsaBits, activateAfter, requireDns);
        return WebAdminRoutes.created(res, created.stream().map(DkimRoutes::toJson).collect(Collectors.toList()));
    }

    private static int rsaBits(JsonBody body) {
        return body.integer("rsaBits", DkimPrivateKey.MIN_RSA_BITS, DkimPrivateKey.MAX_RSA_BITS).orElse(DkimKeyGenerator.DEFAULT_RSA_BITS);
    }

    private Object act(Request req, Response res) throws IOException, DkimKeyException {
        String action = Optional.ofNullable(req.queryParams("action")).orElse("");
        switch (action) {
            case "activate":
                return toJson(keys.activateNow(domain(req), selector(req)));
            case "retire":
                return toJson(keys.retire(domain(req), selector(req)));
            case "check-dns":
                return toJson(keys.checkDns(domain(req), selector(req)));
            default:
                throw JsonBody.badRequest("'action' must be activate, retire or check-dns, was '" + action + "'");
        }
    }

    private Object zoneFile(Request req, Response res) throws IOException {
        List<DkimKeyStatus> statuses = keys.statuses(domain(req));
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
        return JsonBody.pathParam(req, "domain", DkimSigningKey::normalizeDomain);
    }

    private static String selector(Request req) {
        return JsonBody.pathParam(req, "selector", DkimSigningKey::normalizeSelector);
    }
}
