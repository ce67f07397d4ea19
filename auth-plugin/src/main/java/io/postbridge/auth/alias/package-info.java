/**
 * Alias forwarding's bindings to James: James's users and domains as core's {@code LocalMailboxes}, and the
 * {@code AliasForward} element of the mailetcontainer.xml James loaded, read once for the mailet, the RCPT hook and
 * WebAdmin. The alias rules themselves are in {@code io.postbridge.core.alias}.
 */
package io.postbridge.auth.alias;
