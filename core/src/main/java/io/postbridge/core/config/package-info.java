/**
 * The one way settings are read: {@link io.postbridge.core.config.SettingsReader} (every value kind, unknown keys
 * with the nearest known one), {@link io.postbridge.core.config.Durations} (the one duration grammar, see
 * docs/configuration.md) and {@link io.postbridge.core.config.SettingProblem} (the one-line error). Which settings
 * exist is their owners' business ({@code settings.PostbridgeSettings}, the mailets, the alias configuration).
 */
package io.postbridge.core.config;
