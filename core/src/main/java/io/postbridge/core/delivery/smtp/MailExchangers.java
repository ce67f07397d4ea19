package io.postbridge.core.delivery.smtp;

import java.util.List;

/** DNS as direct MX delivery needs it (James's DNSService in the server, a local answer in tests). */
public interface MailExchangers {
    /**
     * The mail exchangers of {@code domain} in preference order, the domain itself when it has no MX record but an
     * address (implicit MX, RFC 5321 §5.1); empty when the domain does not exist. A null MX (RFC 7505) is {@code "."}.
     *
     * @throws TemporaryFailure when the resolver failed or timed out: try again later
     */
    List<String> mailExchangers(String domain) throws TemporaryFailure;

    /** The addresses of {@code host}; empty when it has none. */
    List<String> addresses(String host) throws TemporaryFailure;

    /** The resolver did not answer (SERVFAIL, timeout): temporary. */
    final class TemporaryFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public TemporaryFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
