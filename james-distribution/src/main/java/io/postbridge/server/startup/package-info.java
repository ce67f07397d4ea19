/**
 * Checks before and explanations after start-up: the SMTP listeners' configuration, and the one line that tells
 * an operator why the server did not start.
 */
package io.postbridge.server.startup;
