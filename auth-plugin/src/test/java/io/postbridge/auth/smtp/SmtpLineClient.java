package io.postbridge.auth.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A line-by-line SMTP client: the tests read the server's real replies (the last line of each). */
final class SmtpLineClient implements AutoCloseable {
    private final int port;
    private final SSLContext tls;
    private Socket socket;
    private BufferedReader in;
    private Writer out;

    SmtpLineClient(int port, SSLContext tls) throws IOException {
        this.port = port;
        this.tls = tls;
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        streams();
        assertThat(reply()).startsWith("220");
        assertThat(send("EHLO client.example")).startsWith("250");
    }

    String send(String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
        return reply();
    }

    /** STARTTLS, the handshake (trusting the test certificate only), and EHLO again. */
    void startTls() throws IOException {
        assertThat(send("STARTTLS")).startsWith("220");
        SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, "localhost", port, true);
        secure.setUseClientMode(true);
        secure.startHandshake();
        socket = secure;
        streams();
        assertThat(send("EHLO client.example")).startsWith("250");
    }

    /** A whole message after MAIL and RCPT: DATA, the lines, the final dot; the reply to the dot. */
    String data(String... lines) throws IOException {
        assertThat(send("DATA")).startsWith("354");
        for (String line : lines) {
            out.write(line + "\r\n");
        }
        return send(".");
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
    }

    private String reply() throws IOException {
        String line = in.readLine();
        while (line != null && line.length() > 3 && line.charAt(3) == '-') {
            line = in.readLine();
        }
        return String.valueOf(line);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
