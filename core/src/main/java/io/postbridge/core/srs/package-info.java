/**
 * The Sender Rewriting Scheme: the codec (compatible with postsrsd), its settings and the secrets file.
 */
package io.postbridge.core.srs;
