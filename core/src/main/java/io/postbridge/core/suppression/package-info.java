/**
 * The suppression list: recipients an account (or every account) no longer sends to, because they bounced hard,
 * bounced soft too often within a window, or complained. {@link io.postbridge.core.suppression.SuppressionList} holds
 * the rules; {@link io.postbridge.core.suppression.SuppressionRepository} the state, in the store.
 */
package io.postbridge.core.suppression;
