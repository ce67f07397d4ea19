/**
 * VERP return paths of relayed mail: a signed, expiring envelope sender per recipient, so an asynchronous bounce
 * names the account, the message and the recipient it is about (docs/bounces.md).
 */
package io.postbridge.core.verp;
