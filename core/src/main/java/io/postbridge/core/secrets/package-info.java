/**
 * Secrets encrypted at rest: master keys (file or environment, and their start-up, {@code MasterKeyStartup}),
 * the cipher, the vault and the rotation that re-encrypts every secret.
 */
package io.postbridge.core.secrets;
