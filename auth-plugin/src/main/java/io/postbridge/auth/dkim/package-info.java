/**
 * The Guice bindings of DKIM: key tables of the DkimSign mailets, managed keys on the store, DNS checks through
 * James's resolver. Signing and key management are in {@code io.postbridge.core.dkim}.
 */
package io.postbridge.auth.dkim;
