/**
 * Mail events (received, queued, delivered, ...): the event, built with {@code MailEvent.builder}, and the log
 * interface (kept in the store by {@code store.JdbcMailEventLog}).
 */
package io.postbridge.core.events;
