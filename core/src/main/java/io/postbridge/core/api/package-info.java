/**
 * Mail submission without SMTP (issue 17): the request of the gRPC MailService and of {@code POST /api/v1/mail},
 * checked and turned into a MIME message that goes into James's spool exactly like an SMTP submission (same sender
 * policy, rate limits, events). The gRPC and HTTP layers in auth-plugin only translate to and from these types.
 */
package io.postbridge.core.api;
