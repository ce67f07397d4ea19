/**
 * What every outgoing HTTP call of Postbridge (Gmail, Graph, token endpoints, webhooks) shares: a deadline on the whole
 * answer. Not here: the calls themselves (in {@code provider}, {@code oauth}, {@code consent}, {@code webhooks}).
 */
package io.postbridge.core.http;
