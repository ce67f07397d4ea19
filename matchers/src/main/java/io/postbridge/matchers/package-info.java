/**
 * Postbridge's matchers, named in {@code conf/mailetcontainer.xml}: AccountUsesProvider, IsBounce.
 */
package io.postbridge.matchers;
