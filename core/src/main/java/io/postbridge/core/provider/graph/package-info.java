/**
 * The Microsoft Graph client: sendMail, and upload sessions for messages over its size limit.
 */
package io.postbridge.core.provider.graph;
