package io.postbridge.auth.web;

import spark.Service;

/**
 * Routes served on the public listener. Bind an implementation with
 * {@code Multibinder.newSetBinder(binder(), PublicWebRoutes.class).addBinding().to(...)}; the listener defines them all
 * after its security filter, so every response carries the same headers.
 */
public interface PublicWebRoutes {
    void define(Service service);
}
