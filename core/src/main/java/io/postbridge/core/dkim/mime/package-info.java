/**
 * Preparing a message so its signature survives relaying (8-bit re-encoding, header preservation).
 */
package io.postbridge.core.dkim.mime;
