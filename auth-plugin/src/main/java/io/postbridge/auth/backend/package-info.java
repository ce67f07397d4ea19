/**
 * The lifecycle of core's {@code PostbridgeBackend} inside James: built once from {@code conf/postbridge.properties}
 * (read through James's {@code PropertiesProvider}) and closed when James stops. Not a store: the store is
 * {@code io.postbridge.core.store}.
 */
package io.postbridge.auth.backend;
