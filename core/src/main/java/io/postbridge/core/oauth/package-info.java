/**
 * Access tokens: the one token cache shared by SMTP AUTH and delivery, and the Google and Microsoft token sources
 * (msal4j, google-auth-library) behind it.
 */
package io.postbridge.core.oauth;
