/**
 * The Postbridge server's durable spool: James's ActiveMQ/KahaDB mail queue, reworked so that concurrent enqueues
 * share disk syncs (a pool of connections and producers instead of one shared session), consumers are long-lived,
 * and delayed mail is released by the broker's persistent scheduler when it is due instead of by selector polling.
 */
package io.postbridge.server.spool;
