/**
 * The gRPC listener (MailService, OtpService, server reflection) and James's spool as the destination of API mail.
 * Thin: requests become {@code io.postbridge.core.api} / {@code io.postbridge.core.otp} calls, their failures gRPC
 * statuses (see {@link io.postbridge.auth.api.GrpcStatuses}).
 */
package io.postbridge.auth.api;
