/**
 * The store: JDBC implementations of core's repository interfaces on H2 or PostgreSQL, the connection pool and the
 * Flyway migrations (resources {@code io/postbridge/core/store/migration}). Nothing outside this package writes SQL.
 */
package io.postbridge.core.store;
