/**
 * Per-account message and recipient limits: the policy (server defaults and account overrides) and the counters
 * (in memory, or in the store for several nodes).
 */
package io.postbridge.core.ratelimit;
