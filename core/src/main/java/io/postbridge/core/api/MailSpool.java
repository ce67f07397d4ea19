package io.postbridge.core.api;

import java.util.List;

import javax.mail.internet.MimeMessage;

/**
 * Where an API submission goes: James's spool queue (the one its SMTP server writes to), implemented in auth-plugin.
 * {@link #enqueue} returns only once the mail is durably queued.
 */
public interface MailSpool {
    /** One message of one account, with its envelope. */
    final class Submission {
        private final String mailName;
        private final String account;
        private final String sender;
        private final List<String> recipients;
        private final MimeMessage message;

        public Submission(String mailName, String account, String sender, List<String> recipients, MimeMessage message) {
            this.mailName = mailName;
            this.account = account;
            this.sender = sender;
            this.recipients = List.copyOf(recipients);
            this.message = message;
        }

        public String mailName() {
            return mailName;
        }

        /** Set on the mail as the submitting account ({@code io.postbridge.account}, authKind {@code api-key}). */
        public String account() {
            return account;
        }

        public String sender() {
            return sender;
        }

        public List<String> recipients() {
            return recipients;
        }

        public MimeMessage message() {
            return message;
        }
    }

    /** @throws SpoolUnavailable when the mail could not be queued (nothing was accepted) */
    void enqueue(Submission submission) throws SpoolUnavailable;

    /** The queue refused or failed: the client should retry. */
    final class SpoolUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public SpoolUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
