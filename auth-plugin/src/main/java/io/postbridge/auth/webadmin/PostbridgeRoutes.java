package io.postbridge.auth.webadmin;

import java.util.Objects;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import spark.Service;

/**
 * The base of every Postbridge route class: its routes are registered through {@link WebAdminRoutes}, so each answers
 * JSON, and exceptions become statuses the same way in all of them.
 */
public abstract class PostbridgeRoutes implements Routes {
    private final String basePath;
    private final JsonTransformer json;

    protected PostbridgeRoutes(String basePath, JsonTransformer json) {
        this.basePath = Objects.requireNonNull(basePath);
        this.json = Objects.requireNonNull(json);
    }

    @Override
    public final String getBasePath() {
        return basePath;
    }

    @Override
    public final void define(Service service) {
        routes(WebAdminRoutes.on(service, json));
    }

    /** Registers this class's routes. */
    protected abstract void routes(WebAdminRoutes routes);
}
