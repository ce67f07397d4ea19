/** The consent web flow through the real server: a real browser, the fake sign-in servers, SMTP AUTH with the key. */
package io.postbridge.consent;
