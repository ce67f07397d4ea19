package io.postbridge.core.delivery;

import static io.postbridge.core.delivery.ProviderTestSupport.MS_CLIENT;
import static io.postbridge.core.delivery.ProviderTestSupport.MS_SECRET;
import static io.postbridge.core.delivery.ProviderTestSupport.TENANT;
import static io.postbridge.core.delivery.ProviderTestSupport.mail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeProvidersCheck;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.core.microsoft.CachedMicrosoftTokenClient;
import io.postbridge.core.microsoft.MicrosoftAppId;
import io.postbridge.core.microsoft.MicrosoftTokenClient;
import io.postbridge.core.oauth.MicrosoftIdentity;
import io.postbridge.core.oauth.TokenCache;

/**
 * SMTP AUTH of a Microsoft pass-through app and the delivery of its mail share one token cache: the app costs one
 * token request, whichever of the two asks first and however many messages follow.
 */
@ExtendWith(FakeProvidersCheck.class)
class SharedAppTokenTest {
    private static final MicrosoftAppId APP = new MicrosoftAppId(UUID.fromString(TENANT), UUID.fromString(MS_CLIENT));

    private FakeProviders fake;
    private TokenCache tokens;
    private CachedMicrosoftTokenClient auth;
    private ApiSender delivery;

    @BeforeEach
    void setUp() {
        fake = FakeProviders.start().microsoftApp(TENANT, MS_CLIENT, MS_SECRET);
        tokens = new TokenCache();
        auth = new CachedMicrosoftTokenClient(tokens, MicrosoftIdentity.DEFAULT_AUTHORITY, MicrosoftIdentity.GRAPH_SCOPE,
            Optional.of(fake.microsoftIdentity()));
        delivery = new ApiSender(new InMemoryProviderAccounts(), ProviderTestSupport.endpoints(fake), tokens, 16, 4, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        delivery.close();
        auth.close();
        fake.close();
    }

    /** What StoreProviderAccounts builds for a pass-through message once it has unsealed the secret. */
    private static ProviderAccount passThrough(String secret) {
        return ProviderAccount.graphApp(APP.asUsername(), APP.tenantId(), APP.clientId(), secret, Optional.empty());
    }

    private static OutgoingMail message(String id) {
        return mail("reports@contoso.test", List.of("bob@remote.test"),
            TestMessages.simple("reports@contoso.test", "bob@remote.test", "shared", id).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void authThenDeliveryOfSeveralMessagesCostsOneTokenRequest() throws Exception {
        for (int i = 0; i < 3; i++) {
            auth.accessToken(APP, MS_SECRET);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(delivery.deliver(passThrough(MS_SECRET), message("s" + i + "@test")).get().kind())
                .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        }
        assertThat(fake.delivered()).hasSize(5);
        assertThat(fake.microsoftTokenRequests()).isEqualTo(1);
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void deliveryAndAuthAskingAtOnceForAColdTokenMakeOneRequest() throws Exception {
        fake.microsoftToken.latency(Duration.ofMillis(500)); // the first request is still running when the others come
        List<CompletableFuture<DeliveryOutcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            outcomes.add(delivery.deliver(passThrough(MS_SECRET), message("c" + i + "@test")));
        }
        String authToken = auth.accessToken(APP, MS_SECRET);
        for (CompletableFuture<DeliveryOutcome> outcome : outcomes) {
            assertThat(outcome.get().kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        }
        assertThat(authToken).startsWith("eyJ");
        assertThat(fake.microsoftTokenRequests()).isEqualTo(1);
    }

    @Test
    void theTokenOfTheRightSecretNeverAuthenticatesAnotherSecret() throws Exception {
        assertThat(delivery.deliver(passThrough(MS_SECRET), message("w1@test")).get().kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(fake.microsoftTokenRequests()).isEqualTo(1);

        assertThatThrownBy(() -> auth.accessToken(APP, "not-" + MS_SECRET)).isInstanceOf(MicrosoftTokenClient.InvalidCredentials.class);
        assertThat(fake.microsoftTokenRequests()).as("the other secret went to Entra, which refused it").isEqualTo(2);
        assertThat(delivery.deliver(passThrough("not-" + MS_SECRET), message("w2@test")).get().kind())
            .isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(fake.delivered()).hasSize(1);
    }
}
