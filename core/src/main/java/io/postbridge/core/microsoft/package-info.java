/**
 * Microsoft pass-through: apps that authenticate with their client secret, checked by getting a token from Entra,
 * and their sealed secrets. Token requests in general are in {@code oauth}.
 */
package io.postbridge.core.microsoft;
