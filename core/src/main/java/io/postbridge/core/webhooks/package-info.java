/**
 * Signed delivery webhooks following the Standard Webhooks specification: the event catalogue, secrets and
 * signatures, the SSRF guard, the retry schedule, and the dispatcher that sends the store's outbox.
 */
package io.postbridge.core.webhooks;
