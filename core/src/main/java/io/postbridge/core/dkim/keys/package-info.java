/**
 * Which key signs which mail: key tables from mailetcontainer.xml, key files, author domains and domain patterns,
 * the missing-key policy and the signing service that combines them.
 */
package io.postbridge.core.dkim.keys;
