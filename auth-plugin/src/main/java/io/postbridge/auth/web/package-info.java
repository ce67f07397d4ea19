/**
 * The public web listener (users' browsers, not operators: WebAdmin stays on loopback) and what it serves: the
 * consent pages today; later public APIs register their routes on the same {@link io.postbridge.auth.web.PublicWebListener}.
 */
package io.postbridge.auth.web;
