/**
 * The OAuth consent web flow ("connect your mailbox"): a user signs in with Google or Microsoft, grants send-mail,
 * and gets a Postbridge account with a one-time-revealed SMTP API key. State and PKCE per attempt, the token
 * exchange and identity lookup, the account outcome and the pages; no HTTP server and no James types here (the
 * listener is {@code io.postbridge.auth.web.PublicWebListener}).
 */
package io.postbridge.core.consent;
