/**
 * SMTP hooks, named in {@code conf/smtpserver.xml}: AUTH with API keys and Microsoft pass-through, trusted networks,
 * allowed senders, rate limits, recipients of aliases and SRS addresses, the {@code received} event. Each hook turns
 * a core decision into an SMTP reply; the decisions are core's.
 */
package io.postbridge.auth.smtp;
