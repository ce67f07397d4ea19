package io.postbridge.core.consent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.consent.ConsentOutcome.Kind;
import io.postbridge.core.delivery.StoreProviderAccounts;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.fakes.FakeConsent;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.secrets.SecretVault;
import io.postbridge.core.settings.ConsentSettings;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * The consent flow against the fake Google and Microsoft sign-in servers (§A.8) and a real H2 store: what a user
 * ends up with (account, sealed grant, sender, one key) and what each refusal leaves behind (nothing).
 */
class ConsentServiceTest {
    private static final String EXTERNAL = "https://relay.example.com:8443";
    private static final String GOOGLE_ID = "consent-client.apps.googleusercontent.com";
    private static final String MS_ID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final String TENANT = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path folder;
    private FakeProviders providers;
    private FakeConsent fake;
    private PostbridgeBackend backend;
    private ConsentService service;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        providers = FakeProviders.start();
        fake = FakeConsent.start(providers)
            .client(GOOGLE_ID, "g-secret", URI.create(EXTERNAL + "/connect/google/callback"))
            .client(MS_ID, "m-secret", URI.create(EXTERNAL + "/connect/microsoft/callback"))
            .autoGrant("all");
        backend = backend(Map.of());
    }

    private PostbridgeBackend backend(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>();
        values.put(ConsentSettings.ENABLED, "true");
        values.put(ConsentSettings.EXTERNAL_URL, EXTERNAL);
        values.put(ConsentSettings.GOOGLE_CLIENT_ID, GOOGLE_ID);
        values.put(ConsentSettings.GOOGLE_CLIENT_SECRET, "g-secret");
        values.put(ConsentSettings.GOOGLE_AUTHORIZE, fake.googleAuthorize().toString());
        values.put(ConsentSettings.GOOGLE_TOKEN, fake.googleToken().toString());
        values.put(ConsentSettings.GOOGLE_USERINFO, fake.googleUserinfo().toString());
        values.put(ConsentSettings.GOOGLE_REVOKE, fake.googleRevoke().toString());
        values.put(ConsentSettings.MICROSOFT_CLIENT_ID, MS_ID);
        values.put(ConsentSettings.MICROSOFT_CLIENT_SECRET, "m-secret");
        values.put(ConsentSettings.MICROSOFT_AUTHORIZE, fake.microsoftAuthorize("organizations").toString());
        values.put(ConsentSettings.MICROSOFT_TOKEN, fake.microsoftToken("organizations").toString());
        values.put(ConsentSettings.MICROSOFT_ME, fake.graphMe().toString());
        values.put(ConsentSettings.MICROSOFT_TENANT, "organizations");
        values.putAll(extra);
        PostbridgeSettings settings = PostbridgeSettings.from(values, folder);
        PostbridgeBackend started = PostbridgeBackend.start(settings, Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        ConsentAccounts accounts = new ConsentAccounts(started.accountAdministration(), started.providerSettings(),
            started.secretVault(), started.apiKeys());
        service = ConsentService.create(settings.consent(), new ConsentClients(settings.consent(), started.secretVault()),
            started.consentStates(), accounts, started.events(), () -> Set.of("example.com"),
            Optional.of(new Invitations(new byte[32], Clock.systemUTC())), Clock.systemUTC());
        return started;
    }

    @AfterEach
    void stop() {
        backend.close();
        fake.close();
        providers.close();
    }

    /** The browser: start, follow the fake's redirect back, and return the callback query with the cookie. */
    private Map<String, String> consent(ConsentProvider provider, String cookie) throws Exception {
        ConsentService.Start start = service.start(provider, Optional.of(cookie), Optional.empty(), Optional.empty()).started().orElseThrow();
        HttpResponse<String> authorize = http.send(HttpRequest.newBuilder(start.authorizeUrl()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        URI back = URI.create(authorize.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(EXTERNAL + "/connect/" + provider.pathName() + "/callback?");
        return query(back);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    private static final String COOKIE = "c".repeat(43);

    @Test
    void googleConsentCreatesTheAccountWithASealedGrantTheSenderAndOneWorkingKey() throws Exception {
        ConsentService.Start start = service.start(ConsentProvider.GOOGLE, Optional.empty(), Optional.empty(), Optional.empty())
            .started().orElseThrow();
        Map<String, String> authorize = query(start.authorizeUrl());
        assertThat(authorize).containsEntry("access_type", "offline").containsEntry("prompt", "consent")
            .containsEntry("code_challenge_method", "S256").containsEntry("redirect_uri", EXTERNAL + "/connect/google/callback");
        assertThat(authorize.get("scope").split(" ")).contains("openid", "email", OAuthClient.GMAIL_SEND);
        assertThat(authorize.get("state")).hasSizeGreaterThanOrEqualTo(43);

        ConsentOutcome outcome = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));

        assertThat(outcome.kind()).isEqualTo(Kind.CONNECTED);
        Account account = backend.accounts().findByName("alice.at.example.com").orElseThrow();
        ProviderSettings settings = backend.providerSettings().get(account.id()).orElseThrow();
        assertThat(settings.provider()).isEqualTo(ProviderSettings.Provider.GMAIL);
        assertThat(settings.settings()).containsEntry(StoreProviderAccounts.CLIENT_ID, GOOGLE_ID)
            .containsEntry(StoreProviderAccounts.MAILBOX, "alice@example.com");
        String scope = SecretVault.accountScope(account.id(), AccountAdministration.PROVIDER_SECRETS);
        assertThat(backend.secretVault().get(scope, StoreProviderAccounts.REFRESH_TOKEN).orElseThrow()).startsWith("1//c-");
        assertThat(backend.senders().list(account.id())).containsExactly(SenderPattern.parse("alice@example.com"));
        String key = outcome.connected().orElseThrow().key().token();
        assertThat(backend.apiKeys().verify(key)).isPresent();
        assertThat(events(MailEventType.CONNECTED)).hasSize(1);
        assertThat(events(MailEventType.CONNECTED).get(0).getAccount()).contains("alice.at.example.com");
        assertThat(fake.violations()).isEmpty();
        // the page shows what a device needs, and the key
        String page = ConsentPages.outcome(outcome, service.settings());
        assertThat(page).contains("relay.example.com").contains("587").contains("STARTTLS").contains("alice.at.example.com").contains(key);
    }

    @Test
    void aReplayedCallbackSaysTheLinkWasUsedAndMakesNoSecondKey() throws Exception {
        Map<String, String> callback = consent(ConsentProvider.GOOGLE, COOKIE);
        assertThat(service.callback(ConsentProvider.GOOGLE, callback, Optional.of(COOKIE)).kind()).isEqualTo(Kind.CONNECTED);

        ConsentOutcome again = service.callback(ConsentProvider.GOOGLE, callback, Optional.of(COOKIE));

        assertThat(again.kind()).isEqualTo(Kind.LINK_USED);
        assertThat(again.connected()).isEmpty();
        assertThat(fake.codeRedemptions()).isEqualTo(1);
        long account = backend.accounts().findByName("alice.at.example.com").orElseThrow().id();
        assertThat(backend.apiKeys().list(account)).hasSize(1);
        assertThat(ConsentPages.outcome(again, service.settings())).contains("This link was used");
    }

    @Test
    void aStateIsOnlyGoodInTheBrowserThatStartedItAndOnlyOnce() throws Exception {
        Map<String, String> callback = consent(ConsentProvider.GOOGLE, COOKIE);
        Map<String, String> forged = new LinkedHashMap<>(callback);
        forged.put("state", "forged-state-value");
        Map<String, String> absent = new LinkedHashMap<>(callback);
        absent.remove("state");

        assertThat(service.callback(ConsentProvider.GOOGLE, forged, Optional.of(COOKIE)).kind()).isEqualTo(Kind.LINK_EXPIRED);
        assertThat(service.callback(ConsentProvider.GOOGLE, absent, Optional.of(COOKIE)).kind()).isEqualTo(Kind.LINK_EXPIRED);
        assertThat(service.callback(ConsentProvider.GOOGLE, callback, Optional.empty()).kind()).isEqualTo(Kind.LINK_EXPIRED);
        // the attacker's try burnt the state: the real browser cannot use it afterwards either
        assertThat(service.callback(ConsentProvider.GOOGLE, callback, Optional.of(COOKIE)).kind()).isEqualTo(Kind.LINK_USED);

        Map<String, String> other = consent(ConsentProvider.GOOGLE, COOKIE);
        assertThat(service.callback(ConsentProvider.GOOGLE, other, Optional.of("another-browser-cookie-aaaaaaaaaaaaaaaaaaaa")).kind())
            .isEqualTo(Kind.LINK_EXPIRED);
        assertThat(service.callback(ConsentProvider.MICROSOFT, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE)).kind())
            .isEqualTo(Kind.LINK_EXPIRED);
        assertThat(fake.codeRedemptions()).isZero();
        assertThat(backend.accounts().list()).isEmpty();
        assertThat(events(MailEventType.CONSENT_FAILED)).hasSize(6);
    }

    @Test
    void theFakeRefusesAWrongPkceVerifierAndBurnsTheCode() throws Exception {
        Map<String, String> callback = consent(ConsentProvider.GOOGLE, COOKIE);
        OAuthClient client = service.settings().client(ConsentProvider.GOOGLE).orElseThrow();
        ProviderCalls calls = new ProviderCalls(java.time.Duration.ofSeconds(5));

        ProviderCalls.ProviderError wrong = org.junit.jupiter.api.Assertions.assertThrows(ProviderCalls.ProviderError.class,
            () -> calls.redeem(client, callback.get("code"), Pkce.generate(new java.security.SecureRandom())));
        assertThat(wrong.error()).isEqualTo("invalid_grant");

        // the service's own, right verifier now meets a burnt code: "this link was used", nothing created
        assertThat(service.callback(ConsentProvider.GOOGLE, callback, Optional.of(COOKIE)).kind()).isEqualTo(Kind.LINK_USED);
        assertThat(backend.accounts().list()).isEmpty();
    }

    @Test
    void anUntickedGmailSendScopeIsRevokedAndNothingIsCreated() throws Exception {
        fake.autoGrant("drop:" + OAuthClient.GMAIL_SEND);

        ConsentOutcome outcome = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));

        assertThat(outcome.kind()).isEqualTo(Kind.SEND_SCOPE_MISSING);
        assertThat(fake.revoked()).hasSize(1);
        assertThat(backend.accounts().list()).isEmpty();
        assertThat(ConsentPages.outcome(outcome, service.settings())).contains("send email on your behalf").contains("Try again");
    }

    @Test
    void deniedConsentAndProviderTextAreShownEscaped() throws Exception {
        fake.autoGrant("deny");
        ConsentOutcome denied = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));
        assertThat(denied.kind()).isEqualTo(Kind.DENIED);

        Map<String, String> injected = consent(ConsentProvider.GOOGLE, COOKIE);
        injected.put("error", "server_error");
        injected.put("error_description", "<script>alert(1)</script><img src=x onerror=alert(2)>");
        String page = ConsentPages.outcome(service.callback(ConsentProvider.GOOGLE, injected, Optional.of(COOKIE)), service.settings());
        assertThat(page).doesNotContain("<script>alert").doesNotContain("<img").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void connectingAgainRevokesTheOldKeysAndTheOldGrantAndRepairsTheReconsentFlag() throws Exception {
        ConsentOutcome first = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));
        String oldKey = first.connected().orElseThrow().key().token();
        Account account = first.connected().get().account();
        String scope = SecretVault.accountScope(account.id(), AccountAdministration.PROVIDER_SECRETS);
        String oldRefresh = backend.secretVault().get(scope, StoreProviderAccounts.REFRESH_TOKEN).orElseThrow();
        backend.providerSettings().flagReconsent(account.id(), "invalid_grant: Token has been expired or revoked.");

        ConsentOutcome second = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));

        assertThat(second.kind()).isEqualTo(Kind.RECONNECTED);
        assertThat(second.connected().orElseThrow().account().id()).isEqualTo(account.id());
        assertThat(second.connected().get().revokedKeys()).isEqualTo(1);
        assertThat(second.connected().get().repairedConsent()).isTrue();
        assertThat(backend.apiKeys().verify(oldKey)).isEmpty();
        assertThat(backend.apiKeys().verify(second.connected().get().key().token())).isPresent();
        assertThat(backend.providerSettings().reconsentFlag(account.id())).isEmpty();
        assertThat(fake.revoked()).containsExactly(oldRefresh);
        assertThat(backend.accounts().list()).hasSize(1);
        assertThat(events(MailEventType.RECONNECTED)).hasSize(1);
    }

    @Test
    void aMailboxOutsideTheAllowedDomainsIsRefusedAndItsGrantRevoked() throws Exception {
        fake.googleUser("mallory@elsewhere.test");

        ConsentOutcome outcome = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));

        assertThat(outcome.kind()).isEqualTo(Kind.DOMAIN_NOT_ALLOWED);
        assertThat(fake.revoked()).hasSize(1);
        assertThat(backend.accounts().list()).isEmpty();
    }

    @Test
    void providerDownAndMissingRefreshTokenGetTheirOwnPages() throws Exception {
        fake.tokenDown(true);
        ConsentOutcome down = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));
        assertThat(down.kind()).isEqualTo(Kind.PROVIDER_DOWN);
        assertThat(ConsentPages.outcome(down, service.settings())).contains("try again in a few minutes");
        assertThat(backend.accounts().list()).isEmpty();
    }

    @Test
    void withoutARefreshTokenNothingIsCreatedAndTheAccessIsRevokedSoTheNextConsentGetsOne() throws Exception {
        fake.omitRefreshToken(true);
        ConsentOutcome outcome = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));
        assertThat(outcome.kind()).isEqualTo(Kind.NO_REFRESH_TOKEN);
        assertThat(fake.revoked()).hasSize(1);
        assertThat(backend.accounts().list()).isEmpty();
        assertThat(ConsentPages.outcome(outcome, service.settings())).contains("myaccount.google.com/permissions");
        fake.omitRefreshToken(false);
    }

    @Test
    void anAddressConnectedByOneProviderUserCannotBeTakenOverByAnother() throws Exception {
        ConsentAccounts accounts = new ConsentAccounts(backend.accountAdministration(), backend.providerSettings(),
            backend.secretVault(), backend.apiKeys());
        OAuthClient client = service.settings().client(ConsentProvider.GOOGLE).orElseThrow();
        ConsentAccounts.Connected first = accounts.connect(client, new ProviderCalls.Identity("alice@example.com", "google-user-1"),
            "1//first", Optional.empty(), true);

        org.junit.jupiter.api.Assertions.assertThrows(ConsentAccounts.IdentityMismatch.class, () -> accounts.connect(client,
            new ProviderCalls.Identity("alice@example.com", "google-user-2"), "1//second", Optional.empty(), true));

        String scope = SecretVault.accountScope(first.account().id(), AccountAdministration.PROVIDER_SECRETS);
        assertThat(backend.secretVault().get(scope, StoreProviderAccounts.REFRESH_TOKEN)).contains("1//first");
        assertThat(backend.apiKeys().verify(first.key().token())).isPresent();
        // without pinning (consent.pinIdentity=false) the new sign-in takes the address over
        assertThat(accounts.connect(client, new ProviderCalls.Identity("alice@example.com", "google-user-2"), "1//second",
            Optional.empty(), false).revokedKeys()).isEqualTo(1);
    }

    @Test
    void microsoftConsentCreatesADelegatedGraphAccountInTheUsersTenant() throws Exception {
        fake.microsoftUser("bob@example.com", TENANT);
        Map<String, String> authorize = query(service.start(ConsentProvider.MICROSOFT, Optional.empty(), Optional.empty(), Optional.empty())
            .started().orElseThrow().authorizeUrl());
        assertThat(authorize).containsEntry("response_mode", "query").containsEntry("code_challenge_method", "S256");
        assertThat(authorize.get("scope").split(" ")).contains("offline_access", OAuthClient.GRAPH_MAIL_SEND);

        ConsentOutcome outcome = service.callback(ConsentProvider.MICROSOFT, consent(ConsentProvider.MICROSOFT, COOKIE), Optional.of(COOKIE));

        assertThat(outcome.kind()).isEqualTo(Kind.CONNECTED);
        Account account = backend.accounts().findByName("bob.at.example.com").orElseThrow();
        ProviderSettings settings = backend.providerSettings().get(account.id()).orElseThrow();
        assertThat(settings.provider()).isEqualTo(ProviderSettings.Provider.GRAPH);
        assertThat(settings.settings()).containsEntry(StoreProviderAccounts.TENANT_ID, TENANT)
            .containsEntry(StoreProviderAccounts.MAILBOX, "bob@example.com");
        String scope = SecretVault.accountScope(account.id(), AccountAdministration.PROVIDER_SECRETS);
        assertThat(backend.secretVault().get(scope, StoreProviderAccounts.REFRESH_TOKEN)).isPresent();
        assertThat(backend.secretVault().get(scope, StoreProviderAccounts.CLIENT_SECRET)).contains("m-secret");
        assertThat(fake.violations()).isEmpty();
    }

    @Test
    void aadstsCodesBecomePlainSentences() throws Exception {
        Map<String, String> callback = consent(ConsentProvider.MICROSOFT, COOKIE);
        callback.remove("code");
        callback.put("error", "invalid_request");
        callback.put("error_description", "AADSTS50011: The redirect URI 'x' specified in the request does not match.\r\nTrace ID: 1");
        ConsentOutcome outcome = service.callback(ConsentProvider.MICROSOFT, callback, Optional.of(COOKIE));
        assertThat(outcome.kind()).isEqualTo(Kind.PROVIDER_ERROR);
        assertThat(outcome.providerText()).contains(AadstsMessages.sentence("AADSTS50011").orElseThrow());
    }

    @Test
    void theKeyIsNeverInTheDatabaseFilesOrTheEvents() throws Exception {
        ConsentOutcome outcome = service.callback(ConsentProvider.GOOGLE, consent(ConsentProvider.GOOGLE, COOKIE), Optional.of(COOKIE));
        String key = outcome.connected().orElseThrow().key().token();
        String secretPart = key.substring("pbk_".length() + 17); // after pbk_<16-character key id>_
        backend.close();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(file.toString()).doesNotContain(secretPart).doesNotContain("1//c-");
            }
        }
        backend = backend(Map.of());
        assertThat(backend.events().recent(100, Optional.empty()).toString()).doesNotContain(secretPart);
    }

    @Test
    void invitationModeNeedsASignedUnexpiredLink() throws Exception {
        backend.close();
        backend = backend(Map.of(ConsentSettings.MODE, "invitation"));
        assertThat(service.start(ConsentProvider.GOOGLE, Optional.empty(), Optional.empty(), Optional.empty()).problem()
            .map(ConsentOutcome::kind)).contains(Kind.NOT_INVITED);
        assertThat(service.start(ConsentProvider.GOOGLE, Optional.empty(), Optional.empty(), Optional.of("9999999999.*.forged")).problem()
            .map(ConsentOutcome::kind)).contains(Kind.NOT_INVITED);
        Invitations invitations = new Invitations(new byte[32], Clock.systemUTC());
        String link = invitations.issue(Optional.of("alice@example.com"), java.time.Duration.ofHours(1));
        ConsentService.Start start = service.start(ConsentProvider.GOOGLE, Optional.of(COOKIE), Optional.empty(), Optional.of(link))
            .started().orElseThrow();
        assertThat(query(start.authorizeUrl())).containsEntry("login_hint", "alice@example.com");
        String expired = invitations.issue(Optional.empty(), java.time.Duration.ofSeconds(-5));
        assertThat(service.start(ConsentProvider.GOOGLE, Optional.empty(), Optional.empty(), Optional.of(expired)).problem()).isPresent();
    }

    @Test
    void aClientStoredByTheOperatorWinsOverThePropertiesAndItsSecretIsSealedInTheStore() throws Exception {
        fake.client("stored-client.apps.googleusercontent.com", "stored-client-secret", URI.create(EXTERNAL + "/connect/google/callback"));
        assertThat(service.clients().source(ConsentProvider.GOOGLE)).isEqualTo(ConsentClients.Source.PROPERTIES);
        service.clients().put(ConsentProvider.GOOGLE, "stored-client.apps.googleusercontent.com", "stored-client-secret");
        assertThat(service.clients().source(ConsentProvider.GOOGLE)).isEqualTo(ConsentClients.Source.STORE);

        Map<String, String> back = consent(ConsentProvider.GOOGLE, COOKIE);
        ConsentOutcome outcome = service.callback(ConsentProvider.GOOGLE, back, Optional.of(COOKIE));

        assertThat(outcome.kind()).isEqualTo(Kind.CONNECTED);
        assertThat(fake.authorizeRequests().get(0)).containsEntry("client_id", "stored-client.apps.googleusercontent.com");
        assertThat(fake.violations()).as("the token call authenticated with the stored secret").isEmpty();
        Account account = backend.accounts().findByName("alice.at.example.com").orElseThrow();
        assertThat(backend.providerSettings().get(account.id()).orElseThrow().settings())
            .containsEntry(StoreProviderAccounts.CLIENT_ID, "stored-client.apps.googleusercontent.com");
        List<String> stored = new java.util.ArrayList<>();
        try (java.sql.Connection connection = backend.database().dataSource().getConnection();
             java.sql.ResultSet rows = connection.createStatement().executeQuery("SELECT scope, name, ciphertext FROM pb_secret")) {
            while (rows.next()) {
                stored.add(rows.getString("scope") + " " + rows.getString("name") + " " + rows.getString("ciphertext"));
            }
        }
        assertThat(stored).as("sanity: the stored client is in pb_secret").anyMatch(row -> row.startsWith("consent.client.google clientSecret pb1:"));
        assertThat(String.join("\n", stored)).doesNotContain("stored-client-secret");

        assertThat(service.clients().delete(ConsentProvider.GOOGLE)).isTrue();
        assertThat(service.clients().client(ConsentProvider.GOOGLE).orElseThrow().clientId()).as("the properties' client again").isEqualTo(GOOGLE_ID);
        assertThat(service.clients().delete(ConsentProvider.GOOGLE)).isFalse();
    }

    @Test
    void aBlankStoredClientIsRefusedNamingTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.clients().put(ConsentProvider.MICROSOFT, "id", " "))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientSecret");
        assertThat(service.clients().source(ConsentProvider.MICROSOFT)).isEqualTo(ConsentClients.Source.PROPERTIES);
    }

    private List<MailEvent> events(MailEventType type) {
        return backend.events().recent(100, Optional.of(type));
    }
}
