package io.postbridge.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A peer that sends its headers and then never finishes the body: the call must fail, not hang (issue 19). */
class BoundedHttpTest {
    private final CountDownLatch stop = new CountDownLatch(1);
    private ServerSocket server;

    @AfterEach
    void close() throws IOException {
        stop.countDown();
        if (server != null) {
            server.close();
        }
    }

    /** Answers every connection with a 200 that announces {@code announced} bytes and sends {@code sent} of them. */
    private URI peer(String sent, int announced) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread answer = new Thread(() -> answer(socket, sent, announced), "endless-body-answer");
                    answer.setDaemon(true);
                    answer.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "endless-body-peer");
        accept.setDaemon(true);
        accept.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/send");
    }

    private void answer(Socket socket, String sent, int announced) {
        try (socket) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            String request = "";
            while (!request.contains("\r\n\r\n")) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                request += new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + announced + "\r\n\r\n" + sent)
                .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            stop.await(60, TimeUnit.SECONDS); // the rest never comes while the test runs
        } catch (IOException | InterruptedException e) {
            // the client gave up: what the test wants
        }
    }

    @Test
    void anAnswerWhoseBodyNeverEndsFailsWithATimeoutInsteadOfHoldingTheCall() throws Exception {
        URI uri = peer("{\"id\":", 100_000);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(500)).GET().build();

        // what the JDK alone does: the headers came in time, so its timeout never fires and the call stays open
        assertThat(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).completeOnTimeout(null, 5, TimeUnit.SECONDS)
            .get()).isNull();

        assertThatThrownBy(() -> BoundedHttp.sendAsync(http, request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(HttpTimeoutException.class).hasMessageContaining("no complete answer from 127.0.0.1");
        assertThatThrownBy(() -> BoundedHttp.send(http, request, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(HttpTimeoutException.class);
    }

    @Test
    void aCompleteAnswerIsReturnedAsIs() throws Exception {
        URI uri = peer("{\"id\":\"m1\"}", 11);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();

        HttpResponse<String> response = BoundedHttp.send(HttpClient.newHttpClient(), request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"id\":\"m1\"}");
    }
}
