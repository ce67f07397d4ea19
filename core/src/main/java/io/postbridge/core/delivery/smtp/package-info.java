/**
 * SMTP delivery with pooled, persistent connections: routes (direct MX, smarthost, an account's upstream), the
 * connection pool keyed by route and credentials, and the sender that turns javax.mail's answers into per-recipient
 * outcomes for the shared delivery queue.
 */
package io.postbridge.core.delivery.smtp;
