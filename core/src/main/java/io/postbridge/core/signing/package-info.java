/**
 * What SRS and VERP addresses share: a ring of HMAC secrets (the first signs, every one verifies, so a secret can
 * be rotated with addresses still in flight) compared in constant time, and the two-character day stamp that
 * makes an address expire.
 */
package io.postbridge.core.signing;
