/**
 * What Postbridge counts and measures, with no James types: the {@link io.postbridge.core.metrics.PostbridgeMetrics}
 * port (James's {@code MetricFactory} and {@code GaugeRegistry} behind it at run time), the documented names
 * ({@link io.postbridge.core.metrics.MetricNames}, see docs/observability.md), delivery outcome recording and the
 * one-line-per-minute activity summary of the console.
 */
package io.postbridge.core.metrics;
