/**
 * Recognising delivery reports (RFC 3464) and bounces among incoming mail, and reading them:
 * {@link io.postbridge.core.bounce.BounceParser} turns delivery reports (RFC 3464 and the free-form text of common
 * MTAs), ARF complaints and auto-replies into a {@link io.postbridge.core.bounce.BounceReport} with a
 * Sisimai-compatible {@link io.postbridge.core.bounce.BounceReason} per recipient. See docs/bounces.md.
 */
package io.postbridge.core.bounce;
