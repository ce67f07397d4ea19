/**
 * {@code conf/postbridge.properties}: which settings exist, their defaults and limits
 * ({@link io.postbridge.core.settings.PostbridgeSettings}); how a value is read is {@code config}'s.
 */
package io.postbridge.core.settings;
