/**
 * Accounts and what they own: allowed senders, trusted networks, provider settings, rate-limit overrides; the
 * repositories' interfaces (implemented in {@code store}) and {@link io.postbridge.core.accounts.AccountAdministration},
 * which owns the rules of changing them. API keys are in {@code apikeys}, secrets in {@code secrets}.
 */
package io.postbridge.core.accounts;
