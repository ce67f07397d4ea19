package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.postbridge.core.bounce.Hardness;
import io.postbridge.core.suppression.AccountBouncePolicy;
import io.postbridge.core.suppression.Suppression;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.suppression.SuppressionPolicy;
import io.postbridge.core.suppression.SuppressionReason;

/**
 * The suppression rules on the store: hard suppresses at once, soft at N within the window, a delivery resets the
 * count, complaints are never downgraded, per account and global, expiry, and everything survives a restart. Runs on
 * H2 and on PostgreSQL (the subclasses).
 */
public abstract class SuppressionListContract extends BackendContract {
    protected SuppressionListContract(Store store) {
        super(store);
    }

    private SuppressionList list() {
        return backend.suppressions();
    }

    @Test
    void aHardBounceSuppressesAtOnceWithItsDetailAndSurvivesARestart() {
        Optional<Suppression> s = list().recordFailure("crm", "Nobody@Example.NET", Hardness.HARD, "bounce", "5.1.1 user unknown");

        assertThat(s).hasValueSatisfying(x -> {
            assertThat(x.reason()).isEqualTo(SuppressionReason.HARD_BOUNCE);
            assertThat(x.address()).isEqualTo("nobody@example.net");
            assertThat(x.firstSeen()).isEqualTo(clock.instant());
        });
        restart();
        assertThat(list().check("crm", "nobody@example.net")).map(Suppression::detail).contains("5.1.1 user unknown");
        assertThat(list().check("other-account", "nobody@example.net")).as("per account").isEmpty();
    }

    @Test
    void softBouncesSuppressOnlyAtTheThresholdWithinTheWindow() {
        Map<String, String> threeInAWeek = Map.of("suppression.softBounces", "3", "suppression.softWindow", "7 days");
        restart(threeInAWeek);
        assertThat(list().recordFailure("crm", "full@example.org", Hardness.SOFT, "bounce", "4.2.2 full")).isEmpty();
        assertThat(list().recordFailure("crm", "full@example.org", Hardness.SOFT, "bounce", "4.2.2 full")).isEmpty();
        assertThat(list().check("crm", "full@example.org")).isEmpty();

        Optional<Suppression> third = list().recordFailure("crm", "full@example.org", Hardness.SOFT, "bounce", "4.2.2 full");

        assertThat(third).map(Suppression::reason).contains(SuppressionReason.SOFT_BOUNCES);
        assertThat(list().check("crm", "full@example.org")).isPresent();
    }

    @Test
    void aDeliveryBetweenSoftBouncesStartsTheCountAgain() {
        list().recordFailure("crm", "flaky@example.org", Hardness.SOFT, "bounce", "451");
        list().recordFailure("crm", "flaky@example.org", Hardness.SOFT, "bounce", "451");
        list().recordDelivery("crm", "flaky@example.org");

        assertThat(list().recordFailure("crm", "flaky@example.org", Hardness.SOFT, "bounce", "451")).isEmpty();
        assertThat(list().recordFailure("crm", "flaky@example.org", Hardness.SOFT, "bounce", "451")).isEmpty();
        assertThat(list().recordFailure("crm", "flaky@example.org", Hardness.SOFT, "bounce", "451")).isPresent();
    }

    @Test
    void softBouncesOlderThanTheWindowDoNotCount() {
        list().recordFailure("crm", "slow@example.org", Hardness.SOFT, "bounce", "451");
        list().recordFailure("crm", "slow@example.org", Hardness.SOFT, "bounce", "451");
        clock.advance(Duration.ofDays(8));

        assertThat(list().recordFailure("crm", "slow@example.org", Hardness.SOFT, "bounce", "451")).as("a new window").isEmpty();
    }

    @Test
    void aComplaintIsNotDowngradedByALaterBounce() {
        list().recordComplaint("crm", "reader@isp.example", "abuse report from 192.0.2.5");
        list().recordFailure("crm", "reader@isp.example", Hardness.HARD, "bounce", "5.1.1");

        Suppression s = list().check("crm", "reader@isp.example").orElseThrow();
        assertThat(s.reason()).isEqualTo(SuppressionReason.COMPLAINT);
        assertThat(s.hits()).isEqualTo(2);
        assertThat(SuppressionList.rejection(s)[1]).startsWith("5.7.1 <reader@isp.example>: suppressed since 2026-11-21T10:15:30Z");
    }

    @Test
    void aGlobalEntryAppliesToEveryAccountAndRemovalLiftsIt() {
        list().add(Suppression.GLOBAL, "trap@example.com", SuppressionReason.MANUAL, "spam trap");

        assertThat(list().check("crm", "trap@example.com")).map(Suppression::isGlobal).contains(true);
        assertThat(list().check("billing", "TRAP@example.com")).isPresent();
        assertThat(list().remove(Suppression.GLOBAL, "trap@example.com")).isTrue();
        assertThat(list().check("crm", "trap@example.com")).isEmpty();
    }

    @Test
    void theAccountsOwnEntryComesFirstAndAnExpiredOneLeavesTheGlobalOne() {
        restart(Map.of("suppression.expiry", "30 days"));
        list().recordFailure("crm", "both@example.com", Hardness.HARD, "bounce", "5.1.1 own");
        clock.advance(Duration.ofDays(20));
        list().add(Suppression.GLOBAL, "both@example.com", SuppressionReason.MANUAL, "spam trap");

        assertThat(list().check("crm", "both@example.com")).map(Suppression::scope).contains("crm");
        assertThat(list().check("billing", "both@example.com")).map(Suppression::scope).contains(Suppression.GLOBAL);
        clock.advance(Duration.ofDays(11)); // the account's entry expired, the global one (20 days younger) did not
        assertThat(list().check("crm", "both@example.com")).map(Suppression::scope).contains(Suppression.GLOBAL);
    }

    @Test
    void anExpiredEntryNoLongerApplies() {
        restart(Map.of("suppression.expiry", "30 days"));
        list().recordFailure("crm", "gone@example.com", Hardness.HARD, "bounce", "5.1.1");
        clock.advance(Duration.ofDays(31));

        assertThat(list().check("crm", "gone@example.com")).isEmpty();
        assertThat(list().repository().deleteExpired(clock.instant())).isEqualTo(1);
    }

    @Test
    void listSearchesByScopeAndAddressAndBulkRemovalSaysHowManyWereThere() {
        list().recordFailure("crm", "a1@example.com", Hardness.HARD, "bounce", "x");
        list().recordFailure("crm", "a2@example.com", Hardness.HARD, "bounce", "x");
        list().recordFailure("billing", "a1@example.com", Hardness.HARD, "bounce", "x");
        list().recordFailure("crm", "100%_sure@example.com", Hardness.HARD, "bounce", "x");

        assertThat(list().repository().list(Optional.of("crm"), Optional.empty(), 100)).hasSize(3);
        assertThat(list().repository().list(Optional.empty(), Optional.of("a1@"), 100)).extracting(Suppression::scope)
            .containsExactlyInAnyOrder("crm", "billing");
        assertThat(list().repository().list(Optional.empty(), Optional.of("0%_"), 100)).extracting(Suppression::address)
            .containsExactly("100%_sure@example.com");
        assertThat(list().repository().removeAll("crm", List.of("a1@example.com", "a2@example.com", "never@example.com")))
            .isEqualTo(2);
        assertThat(list().check("crm", "a1@example.com")).isEmpty();
        assertThat(list().check("billing", "a1@example.com")).isPresent();
    }

    @Test
    void anAccountsOwnThresholdAndEnforcementOverrideTheDefaultsAndSurviveARestart() {
        list().policies().save(new AccountBouncePolicy("strict", Optional.of(1), Optional.of(SuppressionPolicy.Enforcement.ACCEPT_AND_DROP),
            Optional.of(false)));
        restart();

        assertThat(list().recordFailure("strict", "full@example.org", Hardness.SOFT, "bounce", "4.2.2 full"))
            .as("one soft bounce is enough for this account").isPresent();
        assertThat(list().recordFailure("crm", "full@example.org", Hardness.SOFT, "bounce", "4.2.2 full")).isEmpty();
        assertThat(list().enforcement("strict")).isEqualTo(SuppressionPolicy.Enforcement.ACCEPT_AND_DROP);
        assertThat(list().forwardsBounces("strict")).isFalse();
        assertThat(list().enforcement("crm")).isEqualTo(SuppressionPolicy.Enforcement.REJECT);
        assertThat(list().forwardsBounces("crm")).isTrue();

        assertThat(list().policies().delete("strict")).isTrue();
        assertThat(list().softBounces("strict")).isEqualTo(SuppressionPolicy.DEFAULT_SOFT_BOUNCES);
    }
}
