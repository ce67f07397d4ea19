/**
 * The Postbridge server: James's memory app with Postbridge's extensions, a durable spool, and the start-up
 * report of listeners.
 */
package io.postbridge.server;
