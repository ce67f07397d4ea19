package io.postbridge.it;

import java.io.IOException;
import java.io.Writer;

import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.apache.commons.net.util.TrustManagerUtils;

/**
 * A real SMTP client (Apache Commons Net) that keeps every reply, so tests can assert the codes a user's
 * mail program would see. Trusts any certificate: the test servers use a freshly generated self-signed one.
 */
public final class SmtpClient implements AutoCloseable {
    private final AuthenticatingSMTPClient client;

    private SmtpClient(boolean implicitTls) {
        try {
            client = new AuthenticatingSMTPClient("TLS", implicitTls);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        client.setTrustManager(TrustManagerUtils.getAcceptAllTrustManager());
        client.setDefaultTimeout(30_000);
    }

    public static SmtpClient connect(int port) throws IOException {
        return connect(port, false);
    }

    public static SmtpClient connect(int port, boolean implicitTls) throws IOException {
        SmtpClient smtp = new SmtpClient(implicitTls);
        smtp.client.connect("127.0.0.1", port);
        smtp.client.setSoTimeout(30_000);
        return smtp;
    }

    /** Connects from a given loopback address (127.0.0.2, ...), to test per-client-IP behaviour. */
    public static SmtpClient connectFrom(int port, String localAddress, boolean implicitTls) throws IOException {
        SmtpClient smtp = new SmtpClient(implicitTls);
        smtp.client.connect(java.net.InetAddress.getByName("127.0.0.1"), port, java.net.InetAddress.getByName(localAddress), 0);
        smtp.client.setSoTimeout(30_000);
        return smtp;
    }

    public String ehlo() throws IOException {
        client.ehlo("client.test");
        return reply();
    }

    public String startTls() throws Exception {
        if (!client.execTLS()) {
            return reply();
        }
        return ehlo();
    }

    public String authPlain(String user, String password) throws Exception {
        client.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, user, password);
        return reply();
    }

    public String authLogin(String user, String password) throws Exception {
        client.auth(AuthenticatingSMTPClient.AUTH_METHOD.LOGIN, user, password);
        return reply();
    }

    public String mailFrom(String sender) throws IOException {
        client.sendCommand("MAIL FROM:<" + sender + ">");
        return reply();
    }

    public String rcptTo(String recipient) throws IOException {
        client.sendCommand("RCPT TO:<" + recipient + ">");
        return reply();
    }

    public String rset() throws IOException {
        client.sendCommand("RSET");
        return reply();
    }

    /** DATA with the given message (CRLF line ends); returns the reply to the final dot. */
    public String data(String message) throws IOException {
        Writer writer = client.sendMessageData();
        if (writer == null) {
            return reply();
        }
        writer.write(message);
        writer.close();
        client.completePendingCommand();
        return reply();
    }

    /** One whole transaction; returns the reply to the final dot, or the first failing reply. */
    public String send(String sender, String recipient, String message) throws IOException {
        String mail = mailFrom(sender);
        if (!mail.startsWith("250")) {
            return mail;
        }
        String rcpt = rcptTo(recipient);
        if (!rcpt.startsWith("250")) {
            client.sendCommand("RSET");
            return rcpt;
        }
        return data(message);
    }

    public String reply() {
        return client.getReplyString().trim();
    }

    public boolean lastReplyPositive() {
        return SMTPReply.isPositiveCompletion(client.getReplyCode());
    }

    @Override
    public void close() throws IOException {
        if (client.isConnected()) {
            try {
                client.logout();
            } catch (IOException e) {
                // the server already closed the connection (e.g. after a 421 or a throttled AUTH)
            } finally {
                client.disconnect();
            }
        }
    }

    /** A small RFC 5322 message with CRLF line ends. */
    public static String message(String from, String to, String subject, String messageId, String body) {
        return "From: " + from + "\r\n"
            + "To: " + to + "\r\n"
            + "Subject: " + subject + "\r\n"
            + "Message-ID: <" + messageId + ">\r\n"
            + "Date: Sat, 21 Nov 2026 10:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "\r\n"
            + body + "\r\n";
    }
}
