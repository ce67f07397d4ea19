package io.postbridge.auth.webadmin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.alias.ForwardingConfigException;
import io.postbridge.core.dkim.DkimKeyException;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import io.postbridge.core.secrets.MasterKeyRotation;
import io.postbridge.core.secrets.SecretCipher;
import spark.HaltException;
import spark.Response;
import spark.ResponseTransformer;
import spark.Route;
import spark.Service;

/**
 * Registers the routes of one Postbridge route class on James's WebAdmin service, and is the one place where an
 * exception a route lets escape becomes an HTTP status (James's own routes, on the same service, keep theirs):
 * <table>
 * <caption>exception to status</caption>
 * <tr><td>{@link ManagedDkimKeys.NoSuchKeyException}, {@link AccountAdministration.NoSuchAccount}</td><td>404</td></tr>
 * <tr><td>{@link IllegalArgumentException} (input a core parser refused), {@link DkimKeyException}</td><td>400</td></tr>
 * <tr><td>{@link IllegalStateException}, {@link AccountRepository.AccountAlreadyExists},
 * {@link MasterKeyRotation.NotWritable}, {@link SecretCipher.SecretUnreadable}</td><td>409</td></tr>
 * <tr><td>{@link IOException}, {@link ForwardingConfigException}</td><td>500 with the message</td></tr>
 * </table>
 * Anything else reaches James's handler (500). A route that returns a {@code String} sends it as it is (204 bodies,
 * text/plain); anything else is rendered as JSON.
 */
public final class WebAdminRoutes {
    private final Service service;
    private final ResponseTransformer transformer;

    private WebAdminRoutes(Service service, JsonTransformer json) {
        this.service = Objects.requireNonNull(service);
        this.transformer = body -> body instanceof String ? (String) body : json.render(body);
    }

    public static WebAdminRoutes on(Service service, JsonTransformer json) {
        return new WebAdminRoutes(service, json);
    }

    public WebAdminRoutes get(String path, Route route) {
        service.get(path, mapped(route), transformer);
        return this;
    }

    public WebAdminRoutes post(String path, Route route) {
        service.post(path, mapped(route), transformer);
        return this;
    }

    public WebAdminRoutes put(String path, Route route) {
        service.put(path, mapped(route), transformer);
        return this;
    }

    public WebAdminRoutes delete(String path, Route route) {
        service.delete(path, mapped(route), transformer);
        return this;
    }

    /** The answer of a route that has nothing to say: 204, empty body. */
    public static Object noContent(Response response) {
        response.status(204);
        return "";
    }

    /** 201 with the created resource. */
    public static Object created(Response response, Object body) {
        response.status(201);
        return body;
    }

    /** The route with the exceptions it lets escape mapped to statuses (see the class comment). */
    public static Route mapped(Route route) {
        return (request, response) -> {
            try {
                return route.handle(request, response);
            } catch (Exception e) {
                throw toHttp(e);
            }
        };
    }

    /** The HTTP error for an exception; a RuntimeException without a mapping is returned as it is. */
    public static RuntimeException toHttp(Exception e) {
        if (e instanceof HaltException) {
            return (HaltException) e;
        }
        if (e instanceof ManagedDkimKeys.NoSuchKeyException || e instanceof AccountAdministration.NoSuchAccount) {
            return JsonBody.notFound(e.getMessage());
        }
        if (e instanceof IllegalArgumentException || e instanceof DkimKeyException) {
            return JsonBody.badRequest(e.getMessage());
        }
        if (e instanceof IllegalStateException || e instanceof AccountRepository.AccountAlreadyExists
            || e instanceof MasterKeyRotation.NotWritable || e instanceof SecretCipher.SecretUnreadable) {
            return JsonBody.conflict(e.getMessage());
        }
        if (e instanceof ForwardingConfigException) {
            return JsonBody.serverError(e.getMessage(), e);
        }
        if (e instanceof IOException || e instanceof UncheckedIOException) {
            return JsonBody.serverError("store error: " + e.getMessage(), e);
        }
        return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
    }
}
