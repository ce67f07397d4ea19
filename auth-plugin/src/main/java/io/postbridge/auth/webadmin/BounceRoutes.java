package io.postbridge.auth.webadmin;

import java.io.ByteArrayInputStream;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.bounce.BounceParser;
import io.postbridge.core.bounce.BounceReportJson;

/**
 * {@code POST /postbridge/bounces/parse}: the raw message as the body (any Content-Type; CRLF, LF or CR line ends),
 * the parser's reading as JSON (format version 1, docs/bounces.md). For operators diagnosing why a bounce was or
 * was not counted. The parser's own limits apply (16 MiB, 1000 header fields, 1000 recipients, 2 s).
 * Enabled by {@code extensions.routes=...,io.postbridge.auth.webadmin.BounceRoutes} in {@code webadmin.properties}.
 */
public class BounceRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/bounces";

    private final BounceParser parser = new BounceParser();

    @Inject
    public BounceRoutes(JsonTransformer json) {
        super(BASE_PATH, json);
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes.post(BASE_PATH + "/parse", (request, response) -> {
            byte[] body = request.bodyAsBytes();
            if (body == null || body.length == 0) {
                throw JsonBody.badRequest("the body must be the raw message to parse (message/rfc822), and it was empty");
            }
            return BounceReportJson.toMap(parser.parse(new ByteArrayInputStream(body)));
        });
    }
}
