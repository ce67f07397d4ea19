/**
 * Postbridge's health checks, without James types: each check gives a {@link io.postbridge.core.health.HealthReport}
 * (healthy, degraded or unhealthy, with a cause an operator can act on); the server's adapters turn them into James
 * {@code HealthCheck} results for WebAdmin {@code GET /healthcheck} (listed in {@code conf/healthcheck.properties}).
 */
package io.postbridge.core.health;
