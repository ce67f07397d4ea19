/**
 * Postbridge's logic, free of James types and unit-tested without James. {@link io.postbridge.core.PostbridgeBackend}
 * is the composition root that builds the store and the services on top from {@code postbridge.properties}; the
 * adapters (hooks, routes, mailets) receive single services, never the backend.
 */
package io.postbridge.core;
