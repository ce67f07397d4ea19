package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.postbridge.core.consent.ConsentProvider;
import io.postbridge.core.consent.ConsentStates;
import io.postbridge.core.consent.Invitations;
import io.postbridge.core.consent.Pkce;

/**
 * The consent pages' sign-in attempts live in the store: one begun before a restart (or on another node, which is
 * the same thing to the database) can finish; a state is taken exactly once even by concurrent callbacks; expired
 * ones are refused and then deleted; neither the state nor the PKCE verifier is stored readable. Also the
 * insert-if-absent of a server-wide secret (the invitation key two nodes may create at once). Runs on H2 and on
 * PostgreSQL (the subclasses).
 */
public abstract class ConsentStateContract extends BackendContract {
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final String COOKIE = "b".repeat(43);

    protected ConsentStateContract(Store store) {
        super(store);
    }

    private ConsentStates states() {
        return new ConsentStates(backend.consentStates(), clock, LIFETIME, new SecureRandom());
    }

    @Test
    void anAttemptBegunBeforeARestartFinishesAfterItWithItsVerifierHintAndInvitation() {
        Pkce pkce = Pkce.generate(new SecureRandom());
        Instant invitationExpiry = clock.instant().plus(Duration.ofDays(3));
        String state = states().begin(ConsentProvider.MICROSOFT, COOKIE, pkce, Optional.of("judy@example.com"),
            Optional.of(new Invitations.Invitation(Optional.of("judy@example.com"), invitationExpiry)));

        restart();
        ConsentStates.Result result = states().consume(ConsentProvider.MICROSOFT, state, Optional.of(COOKIE));

        ConsentStates.Attempt attempt = result.attempt().orElseThrow(() -> new AssertionError(result.refusal()));
        assertThat(attempt.pkce().verifier()).isEqualTo(pkce.verifier());
        assertThat(attempt.pkce().challenge()).isEqualTo(pkce.challenge());
        assertThat(attempt.loginHint()).contains("judy@example.com");
        assertThat(attempt.invitation().orElseThrow().mailbox()).contains("judy@example.com");
        assertThat(attempt.invitation().orElseThrow().expiresAt()).isEqualTo(invitationExpiry);
    }

    @Test
    void aStateIsTakenOnceAndAReplayIsToldItWasUsed() {
        ConsentStates states = states();
        String state = states.begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());

        assertThat(states.consume(ConsentProvider.GOOGLE, state, Optional.of(COOKIE)).attempt()).isPresent();
        assertThat(states().consume(ConsentProvider.GOOGLE, state, Optional.of(COOKIE)).refusal()).contains(ConsentStates.Refusal.USED);
        assertThat(states.consume(ConsentProvider.GOOGLE, "x".repeat(43), Optional.of(COOKIE)).refusal()).contains(ConsentStates.Refusal.UNKNOWN);
    }

    @Test
    void concurrentCallbacksWithTheSameStateOnSeveralNodesGetItOnlyOnce() throws Exception {
        String state = states().begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Callable<Boolean>> calls = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                ConsentStates node = states(); // each caller its own instance, as on separate nodes
                calls.add(() -> node.consume(ConsentProvider.GOOGLE, state, Optional.of(COOKIE)).attempt().isPresent());
            }
            int winners = 0;
            for (Future<Boolean> outcome : pool.invokeAll(calls)) {
                winners += outcome.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anotherBrowsersCallbackIsRefusedAndUsesTheStateUp() {
        String state = states().begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());

        assertThat(states().consume(ConsentProvider.GOOGLE, state, Optional.of("a".repeat(43))).refusal())
            .contains(ConsentStates.Refusal.OTHER_BROWSER);
        assertThat(states().consume(ConsentProvider.GOOGLE, state, Optional.of(COOKIE)).refusal()).contains(ConsentStates.Refusal.USED);
    }

    @Test
    void anExpiredStateIsRefusedAndOldAttemptsAreDeleted() {
        String expired = states().begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());
        String used = states().begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());
        assertThat(states().consume(ConsentProvider.GOOGLE, used, Optional.of(COOKIE)).attempt()).isPresent();
        clock.advance(LIFETIME.plusSeconds(1));
        String fresh = states().begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());

        assertThat(states().consume(ConsentProvider.GOOGLE, expired, Optional.of(COOKIE)).refusal()).contains(ConsentStates.Refusal.EXPIRED);
        assertThat(backend.consentStates().countPending(clock.instant())).isEqualTo(1);

        clock.advance(LIFETIME.plusSeconds(1));
        assertThat(backend.consentStates().deleteExpiredBefore(clock.instant().minus(LIFETIME))).as("the two old attempts").isEqualTo(2);
        assertThat(states().consume(ConsentProvider.GOOGLE, used, Optional.of(COOKIE)).refusal()).contains(ConsentStates.Refusal.UNKNOWN);
        states().begin(ConsentProvider.GOOGLE, COOKIE, Pkce.generate(new SecureRandom()), Optional.empty(), Optional.empty());
        assertThat(states().consume(ConsentProvider.GOOGLE, fresh, Optional.of(COOKIE)).refusal()).as("expired, not yet deleted")
            .contains(ConsentStates.Refusal.EXPIRED);
    }

    @Test
    void neitherTheStateNorTheVerifierNorTheCookieIsStoredReadable() {
        Pkce pkce = Pkce.generate(new SecureRandom());
        String state = states().begin(ConsentProvider.GOOGLE, COOKIE, pkce, Optional.of("kim@example.com"), Optional.empty());

        String stored = new String(storedBytes("pb_consent_state"), StandardCharsets.ISO_8859_1);
        assertThat(stored).as("sanity: the attempt's row is in what was read").contains("kim@example.com");
        assertThat(stored).doesNotContain(state).doesNotContain(pkce.verifier()).doesNotContain(COOKIE);
        assertThat(states().consume(ConsentProvider.GOOGLE, state, Optional.of(COOKIE)).attempt()).isPresent();
    }

    @Test
    void putIfAbsentKeepsTheFirstStoredSecretForEveryCaller() {
        assertThat(backend.secretVault().putIfAbsent("consent", "invitationKey", Optional.empty(), "first")).isEqualTo("first");
        assertThat(backend.secretVault().putIfAbsent("consent", "invitationKey", Optional.empty(), "second")).isEqualTo("first");
        restart();
        assertThat(backend.secretVault().get("consent", "invitationKey")).contains("first");
    }
}
