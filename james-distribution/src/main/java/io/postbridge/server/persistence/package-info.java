/**
 * James's own state in the Postbridge server (domains, users, recipient rewrite table, mailboxes, quotas, the mail
 * repository list) kept by James's published JPA implementations, on embedded Derby under {@code var/james/} or on
 * PostgreSQL ({@code conf/james-database.properties}). The Guice glue is adapted from James's unpublished
 * {@code jpa-common-guice} and {@code mailbox-jpa} modules (Apache License 2.0).
 */
package io.postbridge.server.persistence;
