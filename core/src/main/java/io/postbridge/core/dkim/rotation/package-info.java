/**
 * DKIM keys managed through WebAdmin: their states (pending, active, retired, removable), the repository
 * interface (implemented in {@code store}), DNS checks and the rotation schedule.
 */
package io.postbridge.core.dkim.rotation;
