/**
 * The Gmail API client (send a raw message).
 */
package io.postbridge.core.provider.gmail;
