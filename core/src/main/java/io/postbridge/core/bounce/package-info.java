/**
 * Recognising delivery reports (RFC 3464) and bounces among incoming mail.
 */
package io.postbridge.core.bounce;
