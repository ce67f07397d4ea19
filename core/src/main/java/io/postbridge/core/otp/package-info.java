/**
 * One-time codes sent by mail (issue 17, OtpService): generated with SecureRandom, stored only as keyed hashes in the
 * Postbridge store so any node validates them, single-use, short-lived, with a limit on wrong attempts and a resend
 * throttle. Every step is a mail event; the code never appears in an event, a log line or the database.
 */
package io.postbridge.core.otp;
