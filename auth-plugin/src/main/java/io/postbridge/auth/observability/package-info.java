/**
 * Postbridge in James's own endpoints: metrics through James's {@code MetricFactory} and {@code GaugeRegistry}
 * (WebAdmin {@code GET /metrics} when {@code MetricsRoutes} is enabled), health checks for WebAdmin
 * {@code GET /healthcheck} (listed in {@code conf/healthcheck.properties}), and the console's activity line.
 * docs/observability.md lists the names.
 */
package io.postbridge.auth.observability;
