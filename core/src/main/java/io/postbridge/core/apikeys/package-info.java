/**
 * API keys: their format, keyed hashes with the pepper (and its start-up, {@code PepperStartup}), issue, revoke and
 * regenerate. Who may use a key at SMTP AUTH is decided in {@code auth}.
 */
package io.postbridge.core.apikeys;
