package io.postbridge.auth.web;

import java.io.File;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.settings.ConsentSettings;
import io.postbridge.core.settings.PostbridgeSettings;
import spark.Service;

/**
 * The one public web listener: its own Spark service (James's Spark and Jetty 9, no second Jetty) on
 * {@code consent.web.host}:{@code consent.web.port}, HTTPS with the server's certificate (the keystore of
 * conf/smtpserver.xml) unless {@code consent.web.tls=false}. Every response gets the security headers: a CSP without
 * inline script or style, no framing, no referrer, no caching; anything not registered answers a bare 404, so an
 * anonymous visitor learns nothing about accounts. James starts it after its own services when
 * {@code conf/extensions.properties} lists it ({@code guice.extension.startable=io.postbridge.auth.web.PublicWebListener});
 * it serves only with {@code consent.enabled=true}, and a listener that cannot start stops James's start with the reason.
 */
@Singleton
public class PublicWebListener implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(PublicWebListener.class);
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'none'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ConsentSettings settings;
    private final Set<PublicWebRoutes> routes;
    private final FileSystem fileSystem;
    private Service service;

    @Inject
    public PublicWebListener(PostbridgeBackendHolder holder, Set<PublicWebRoutes> routes, FileSystem fileSystem) {
        this.settings = holder.settings().consent();
        this.routes = routes;
        this.fileSystem = fileSystem;
    }

    @Override
    public synchronized void start() {
        if (service != null) {
            return;
        }
        if (!settings.enabled()) {
            LOGGER.info("Postbridge: the public web listener (consent pages) is off (consent.enabled=false)");
            return;
        }
        Service spark = Service.ignite().ipAddress(settings.web().host()).port(settings.web().port()).threadPool(32, 2, 30_000);
        if (settings.web().tls()) {
            ServerKeystore keystore = ServerKeystore.resolve(settings, fileSystem);
            spark.secure(keystore.path().toString(), keystore.password(), null, null);
        }
        // Spark's default handler calls System.exit: keep the failure and stop James's start with it instead
        AtomicReference<Exception> failure = new AtomicReference<>();
        spark.initExceptionHandler(failure::set);
        spark.before((request, response) -> {
            response.header("Content-Security-Policy", CSP);
            response.header("X-Frame-Options", "DENY");
            response.header("X-Content-Type-Options", "nosniff");
            response.header("Referrer-Policy", "no-referrer");
            response.header("Cache-Control", "no-store");
            response.header("Pragma", "no-cache");
            if (settings.secureCookies()) {
                response.header("Strict-Transport-Security", "max-age=31536000");
            }
        });
        spark.notFound((request, response) -> {
            response.type("text/plain; charset=utf-8");
            return "Not found\n";
        });
        spark.internalServerError((request, response) -> {
            response.type("text/plain; charset=utf-8");
            return "Something went wrong on this server. Please try again later.\n";
        });
        routes.forEach(route -> route.define(spark));
        spark.awaitInitialization();
        if (failure.get() != null) {
            spark.stop();
            throw new IllegalStateException("Postbridge: the public web listener could not start on " + settings.web().host() + ":"
                + settings.web().port() + " (consent.web.host / consent.web.port in postbridge.properties): " + failure.get().getMessage(),
                failure.get());
        }
        this.service = spark;
        LOGGER.info("Postbridge: public web listener on {}://{}:{} (users open {}/connect)", settings.web().tls() ? "https" : "http",
            settings.web().host(), spark.port(), settings.externalUrl());
    }

    /** The bound port (useful when consent.web.port is 0). */
    public int port() {
        return service == null ? -1 : service.port();
    }

    @PreDestroy
    public void stop() {
        if (service != null) {
            service.stop();
            service.awaitStop();
            service = null;
        }
    }

    /** Where the certificate comes from: consent.web.keystore, else the first keystore of conf/smtpserver.xml. */
    static final class ServerKeystore {
        private final Path path;
        private final String password;

        private ServerKeystore(Path path, String password) {
            this.path = path;
            this.password = password;
        }

        Path path() {
            return path;
        }

        String password() {
            return password;
        }

        static ServerKeystore resolve(ConsentSettings settings, FileSystem fileSystem) {
            String location = settings.web().keystore().orElse(null);
            String password = settings.web().keystorePassword().orElse(null);
            if (location == null || password == null) {
                SmtpServerTls tls = SmtpServerTls.read(fileSystem);
                location = location == null ? tls.keystore() : location;
                password = password == null ? tls.secret() : password;
            }
            if (location == null || password == null) {
                throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, ConsentSettings.KEYSTORE,
                    "no certificate for the HTTPS listener: set consent.web.keystore and consent.web.keystorePassword, or give "
                        + "conf/smtpserver.xml a <tls><keystore> and <secret> (or consent.web.tls=false behind a TLS proxy)"));
            }
            File file;
            try {
                file = fileSystem.getFile(location.contains(":") ? location : "file://" + location);
            } catch (FileNotFoundException e) {
                file = new File(location);
            }
            if (!Files.isReadable(file.toPath())) {
                throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, ConsentSettings.KEYSTORE,
                    "the keystore " + file + " does not exist or cannot be read"));
            }
            return new ServerKeystore(file.toPath(), password);
        }
    }
}
