/**
 * Alias forwarding: definitions and their sources (mailetcontainer.xml and the run-time store), resolution of a
 * recipient, cycle detection, forwarding headers, and {@link io.postbridge.core.alias.AliasReply}, the one wording of
 * each refusal. SRS itself is in {@code srs}.
 */
package io.postbridge.core.alias;
