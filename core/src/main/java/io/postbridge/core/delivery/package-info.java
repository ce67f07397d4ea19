/**
 * Delivery through provider APIs (Gmail, Microsoft Graph): provider accounts and where they come from, the sender,
 * retries, failure classification, concurrency limits and DSNs. The HTTP clients are in {@code provider}, tokens in
 * {@code oauth}; the James queue and worker are the ApiDelivery mailet's.
 */
package io.postbridge.core.delivery;
