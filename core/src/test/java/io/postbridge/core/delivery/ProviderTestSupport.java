package io.postbridge.core.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.postbridge.core.fakes.FakeProviders;

/** An {@link ApiSender} wired to {@link FakeProviders}, with the accounts the tests use. */
final class ProviderTestSupport {
    static final String GOOGLE_CLIENT = "google-client-id.apps.googleusercontent.com";
    static final String GOOGLE_SECRET = "google-client-secret";
    static final String TENANT = "11111111-2222-3333-4444-555555555555";
    static final String MS_CLIENT = "66666666-7777-8888-9999-000000000000";
    static final String MS_SECRET = "ms-client-secret~value";

    private ProviderTestSupport() {
    }

    static ApiEndpoints endpoints(FakeProviders fake) {
        return ApiEndpoints.defaults()
            .googleTokenUri(fake.googleTokenUri())
            .gmailBase(fake.gmailBase())
            .graphBase(fake.graphBase())
            .microsoftIdentityOverride(Optional.of(fake.microsoftIdentity()))
            .requestTimeout(Duration.ofSeconds(20));
    }

    static ApiSender sender(FakeProviders fake, ProviderAccounts accounts) {
        return new ApiSender(accounts, endpoints(fake), 16, 4, Clock.systemUTC());
    }

    static OutgoingMail mail(String sender, List<String> recipients, byte[] content) {
        return new OutgoingMail("mail-" + System.nanoTime(), Optional.of(sender), recipients, content);
    }
}
