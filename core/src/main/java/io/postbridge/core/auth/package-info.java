/**
 * SMTP authentication decided without James: API keys, Microsoft pass-through apps, James users, trusted networks as
 * principals, and the failure throttle. The SMTP replies are the hooks' ({@code io.postbridge.auth.smtp}).
 */
package io.postbridge.core.auth;
