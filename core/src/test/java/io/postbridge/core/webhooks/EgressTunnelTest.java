package io.postbridge.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.fakes.FakeWebhookReceiver;

/** The CONNECT tunnel of https webhooks connects only to addresses the guard allows, resolved by itself. */
class EgressTunnelTest {

    private static String connect(EgressTunnel tunnel, String target, String thenSend) throws Exception {
        try (Socket socket = new Socket(tunnel.address().getAddress(), tunnel.address().getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            if (!status.contains(" 200 ") || thenSend == null) {
                return status;
            }
            in.readLine(); // the empty line ending the tunnel's answer
            out.write(thenSend.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return in.readLine();
        }
    }

    @Test
    void anAllowedTargetIsReachedThroughTheTunnel() throws Exception {
        try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start();
             EgressTunnel tunnel = new EgressTunnel(new EgressGuard(List.of(IpRange.parse("127.0.0.1/32")),
                 host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}), Duration.ofSeconds(2))) {
            int port = URI.create(receiver.url()).getPort();
            String answer = connect(tunnel, "receiver.postbridge.test:" + port,
                "GET " + FakeWebhookReceiver.REDIRECT_TARGET + " HTTP/1.1\r\nHost: receiver.postbridge.test\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(receiver.redirectTargetHits()).isEqualTo(1);
        }
    }

    @Test
    void aTargetResolvingToAnInternalAddressIsRefusedWithoutConnecting() throws Exception {
        try (FakeWebhookReceiver receiver = FakeWebhookReceiver.start();
             EgressTunnel tunnel = new EgressTunnel(new EgressGuard(List.of(),
                 host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}), Duration.ofSeconds(2))) {
            int port = URI.create(receiver.url()).getPort();
            assertThat(connect(tunnel, "receiver.postbridge.test:" + port, null)).startsWith("HTTP/1.1 403");
            assertThat(connect(tunnel, "127.0.0.1:" + port, null)).startsWith("HTTP/1.1 403");
            assertThat(receiver.redirectTargetHits()).isZero();
            assertThat(receiver.requests()).isEmpty();
        }
    }
}
