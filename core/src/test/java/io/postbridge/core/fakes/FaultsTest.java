package io.postbridge.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The soak fakes' fault injection: off by default, and each kind does what the soak ledger relies on. */
class FaultsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void offByDefaultAndAboutTheRateWhenOn() {
        Faults<Faults.Http> faults = Faults.http(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(faults.next()).isNull();
        }
        faults.rate(0.2);
        int hit = 0;
        for (int i = 0; i < 10_000; i++) {
            hit += faults.next() == null ? 0 : 1;
        }
        assertThat(hit).isBetween(1800, 2200);
        assertThat(faults.injected().keySet()).containsExactlyInAnyOrder(Faults.Http.values());
        assertThat(faults.injectedTotal()).isEqualTo(hit);
    }

    @Test
    void aThrottleIs429WithRetryAfterAndSendsNothing() throws Exception {
        try (FakeProviders fake = gmail()) {
            fake.faults.only(Set.of(Faults.Http.THROTTLE_429)).rate(1);
            HttpResponse<String> response = send(fake, token(fake), Duration.ofSeconds(5));
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            assertThat(fake.delivered()).isEmpty();
        }
    }

    @Test
    void anEndlessBodyAndALateAnswerSendTheMessageButTheClientCannotKnow() throws Exception {
        try (FakeProviders fake = gmail()) {
            String token = token(fake);
            fake.faults.only(EnumSet.of(Faults.Http.TIMEOUT)).timeout(Duration.ofMillis(1500)).rate(1);
            assertThatThrownBy(() -> send(fake, token, Duration.ofMillis(500))).isInstanceOf(HttpTimeoutException.class);
            fake.faults.only(EnumSet.of(Faults.Http.ENDLESS_BODY)).stall(Duration.ofSeconds(2));
            HttpResponse<java.io.InputStream> endless = HTTP.send(request(fake, token, Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(endless.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> endless.body().readAllBytes()).isInstanceOf(java.io.IOException.class);
            // the late answer is recorded once the fake's 1.5 s wait is over
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(fake.delivered()).extracting(d -> d.answerLost).hasSize(2)
                    .anySatisfy(reason -> assertThat(reason).contains("TIMEOUT"))
                    .anySatisfy(reason -> assertThat(reason).contains("ENDLESS_BODY")));
        }
    }

    @Test
    void aDropAfterDataKeepsTheMessageAndNeverAnswersTheDot() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.plain()) {
            upstream.faults.only(Set.of(Faults.Smtp.DROP_AFTER_DATA)).rate(1);
            try (Socket socket = new Socket("127.0.0.1", upstream.port());
                 BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                 PrintWriter out = new PrintWriter(socket.getOutputStream(), true)) {
                assertThat(in.readLine()).startsWith("220");
                out.print("HELO client\r\nMAIL FROM:<a@test>\r\nRCPT TO:<b@test>\r\nDATA\r\n");
                out.flush();
                assertThat(in.readLine()).startsWith("250");
                assertThat(in.readLine()).startsWith("250");
                assertThat(in.readLine()).startsWith("250");
                assertThat(in.readLine()).startsWith("354");
                out.print("Subject: x\r\n\r\nbody\r\n.\r\n");
                out.flush();
                assertThat(in.readLine()).isNull();
            }
            assertThat(upstream.received()).singleElement().satisfies(r -> assertThat(r.answerLost).contains("DROP_AFTER_DATA"));
        }
    }

    private static FakeProviders gmail() {
        return FakeProviders.start().googleClient("c", "s").googleUser("rt", "alice@gmail.test");
    }

    private static String token(FakeProviders fake) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(fake.googleTokenUri())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("client_id=c&client_secret=s&refresh_token=rt&grant_type=refresh_token")).build(),
            HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(response.body()).path("access_token").asText();
    }

    private static HttpRequest request(FakeProviders fake, String token, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(fake.gmailBase() + "/upload/gmail/v1/users/me/messages/send?uploadType=media"))
            .timeout(timeout).header("Authorization", "Bearer " + token).header("Content-Type", "message/rfc822")
            .POST(HttpRequest.BodyPublishers.ofString("To: bob@test\r\nSubject: x\r\n\r\nhi\r\n")).build();
    }

    private static HttpResponse<String> send(FakeProviders fake, String token, Duration timeout) throws Exception {
        return HTTP.send(request(fake, token, timeout), HttpResponse.BodyHandlers.ofString());
    }
}
