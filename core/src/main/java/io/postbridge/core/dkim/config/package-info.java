/**
 * The DkimSign mailet's parameters, read with core's {@code SettingsReader}.
 */
package io.postbridge.core.dkim.config;
