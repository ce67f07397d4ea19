package io.postbridge.auth.backend;

import java.io.File;
import java.io.FileNotFoundException;
import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.metrics.PostbridgeMetrics;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * Builds the Postbridge backend once per server from {@code conf/postbridge.properties} (read the James way,
 * through {@link PropertiesProvider}) and closes its database pool when James stops.
 */
@Singleton
public class PostbridgeBackendHolder {
    private static final Logger LOGGER = LoggerFactory.getLogger(PostbridgeBackendHolder.class);

    private final PostbridgeBackend backend;
    private final PostbridgeSettings settings;

    @Inject
    public PostbridgeBackendHolder(PropertiesProvider properties, FileSystem fileSystem, PostbridgeMetrics metrics)
        throws ConfigurationException {
        File workingDirectory;
        try {
            workingDirectory = fileSystem.getBasedir();
        } catch (FileNotFoundException e) {
            throw new IllegalStateException("James has no working directory", e);
        }
        this.settings = PostbridgeSettings.from(values(properties), workingDirectory.toPath());
        this.backend = PostbridgeBackend.start(settings, System.getenv(), Clock.systemUTC(), PostbridgeBackend::msal);
        // the store's services (events, token cache, suppressions, webhooks) record into James's metrics
        backend.metrics().attach(metrics);
        if (settings.webhooks().dispatch()) {
            // sends the webhook outbox (every node may: the store hands each delivery to one node at a time)
            backend.webhookDispatcher().start();
        }
    }

    private static Map<String, String> values(PropertiesProvider properties) throws ConfigurationException {
        Configuration configuration;
        try {
            configuration = properties.getConfiguration("postbridge");
        } catch (FileNotFoundException e) {
            LOGGER.info("Postbridge: no conf/{}, using the defaults (embedded H2 store under var/postbridge/)", PostbridgeSettings.FILE);
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<String> keys = configuration.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            // James reads .properties with ',' as list delimiter: join the parts back into the written value
            values.put(key, String.join(",", configuration.getStringArray(key)));
        }
        return values;
    }

    public PostbridgeBackend backend() {
        return backend;
    }

    /** conf/postbridge.properties as read at start-up. */
    public PostbridgeSettings settings() {
        return settings;
    }

    @PreDestroy
    public void close() {
        backend.close();
    }

}
