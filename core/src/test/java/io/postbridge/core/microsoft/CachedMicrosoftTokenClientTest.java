package io.postbridge.core.microsoft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.testing.FakeEntra;

/** msal4j against a local fake of the Entra token endpoint, reached through the real authority URL, tokens cached. */
class CachedMicrosoftTokenClientTest {
    private static final MicrosoftAppId APP = new MicrosoftAppId(UUID.fromString("11111111-2222-3333-4444-555555555555"),
        UUID.fromString("66666666-7777-8888-9999-000000000000"));

    private FakeEntra entra;
    private TokenCache cache;
    private CachedMicrosoftTokenClient client;

    @BeforeEach
    void setUp() throws Exception {
        entra = new FakeEntra().register(APP.tenantId(), APP.clientId(), "right-secret");
        cache = new TokenCache();
        client = client(Optional.of(entra.baseUrl()));
    }

    private CachedMicrosoftTokenClient client(Optional<URI> endpoint) {
        return new CachedMicrosoftTokenClient(cache, URI.create("https://login.microsoftonline.com/"),
            "https://graph.microsoft.com/.default", endpoint);
    }

    @AfterEach
    void tearDown() {
        client.close();
        entra.close();
    }

    @Test
    void asksForAnAppTokenOnceAndServesItFromTheCacheAfterwards() {
        String token = client.accessToken(APP, "right-secret");
        assertThat(token).startsWith("eyJ0eXAiOiJKV1Qi.fake.");
        assertThat(client.accessToken(APP, "right-secret")).isEqualTo(token);
        assertThat(client.accessToken(APP, "right-secret")).isEqualTo(token);

        assertThat(entra.tokenRequests()).hasSize(1);
        assertThat(entra.tokenRequests().get(0)).containsEntry("tenant", APP.tenantId()).containsEntry("client_id", APP.clientId())
            .containsEntry("grant_type", "client_credentials").containsEntry("client_secret", "right-secret");
        assertThat(entra.tokenRequests().get(0).get("scope")).startsWith("https://graph.microsoft.com/.default");
    }

    @Test
    void concurrentFirstCallsMakeOneTokenRequest() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<String>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> client.accessToken(APP, "right-secret"));
            }
            for (Future<String> result : pool.invokeAll(calls)) {
                assertThat(result.get()).startsWith("eyJ");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(entra.tokenRequests()).hasSize(1);
    }

    @Test
    void aWrongSecretOrAnUnknownAppAreInvalidCredentials() {
        assertThatThrownBy(() -> client.accessToken(APP, "wrong-secret")).isInstanceOf(MicrosoftTokenClient.InvalidCredentials.class)
            .hasMessageContaining("invalid_client").hasMessageNotContaining("wrong-secret");
        MicrosoftAppId unknown = new MicrosoftAppId(UUID.randomUUID(), UUID.randomUUID());
        assertThatThrownBy(() -> client.accessToken(unknown, "x")).isInstanceOf(MicrosoftTokenClient.InvalidCredentials.class)
            .hasMessageContaining("unauthorized_client");
        // the right secret still works afterwards, and the refused ones left nothing behind in the cache
        assertThat(client.accessToken(APP, "right-secret")).startsWith("eyJ");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aCachedTokenNeverLetsAnotherSecretThrough() {
        client.accessToken(APP, "right-secret");
        for (String guess : List.of("wrong-secret", "right-secret ", "Right-secret")) {
            assertThatThrownBy(() -> client.accessToken(APP, guess)).as("'%s'", guess)
                .isInstanceOf(MicrosoftTokenClient.InvalidCredentials.class);
        }
        assertThat(entra.tokenRequests()).as("each other secret was checked by Entra").hasSize(4);
    }

    @Test
    void anOutageIsTemporaryNotAWrongPassword() {
        entra.failWith(503);
        assertThatThrownBy(() -> client.accessToken(APP, "right-secret")).isInstanceOf(MicrosoftTokenClient.Unavailable.class);
        entra.close();
        try (CachedMicrosoftTokenClient nowhere = client(Optional.of(URI.create("http://127.0.0.1:1/")))) {
            assertThatThrownBy(() -> nowhere.accessToken(APP, "right-secret")).isInstanceOf(MicrosoftTokenClient.Unavailable.class);
        }
    }
}
