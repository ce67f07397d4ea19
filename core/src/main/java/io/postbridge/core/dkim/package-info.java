/**
 * DKIM signing: keys, canonicalization, signed headers, the signer and DNS records. Key tables and the choice of
 * keys are in {@code dkim.keys}, managed keys and their rotation in {@code dkim.rotation}, MIME preparation in
 * {@code dkim.mime}, the mailet's parameters in {@code dkim.config}.
 */
package io.postbridge.core.dkim;
