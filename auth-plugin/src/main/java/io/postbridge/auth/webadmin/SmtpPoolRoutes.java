package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.delivery.smtp.SmtpConnectionPool;
import io.postbridge.core.delivery.smtp.SmtpPools;

/**
 * {@code GET /postbridge/smtp/pools}: the SMTP delivery connection pools (one per SmtpDelivery mailet, by queue), each
 * route with its destination, open and idle connections, connections opened and messages sent on them. Enabled by
 * {@code extensions.routes=...,io.postbridge.auth.webadmin.SmtpPoolRoutes} in {@code webadmin.properties}.
 */
public class SmtpPoolRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/smtp/pools";

    private final SmtpPools pools;

    @Inject
    public SmtpPoolRoutes(SmtpPools pools, JsonTransformer jsonTransformer) {
        super(BASE_PATH, jsonTransformer);
        this.pools = pools;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes.get(BASE_PATH, (request, response) -> {
            Map<String, Object> json = new LinkedHashMap<>();
            pools.status().forEach((queue, routesOfPool) -> json.put(queue, routesOfPool.stream().map(SmtpPoolRoutes::toJson)
                .collect(Collectors.toList())));
            return json;
        });
    }

    private static Map<String, Object> toJson(SmtpConnectionPool.PoolStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("destination", status.destination());
        json.put("kind", status.kind());
        json.put("account", status.account().isEmpty() ? null : status.account());
        json.put("open", status.open());
        json.put("idle", status.idle());
        json.put("connectionsOpened", status.connectionsOpened());
        json.put("messagesSent", status.messagesSent());
        return json;
    }
}
