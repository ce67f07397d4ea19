package io.postbridge.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The soak ledger's classification: what counts as kept promise, explained duplicate, failure. */
class LedgerTest {
    private static Ledger.Copy at(long millis) {
        return new Ledger.Copy("mx", false, millis, null);
    }

    private static Ledger.Copy lostAnswer(long millis) {
        return new Ledger.Copy("mx", false, millis, "injected DROP_AFTER_DATA");
    }

    @Test
    void onceDeliveredOnceDsnedAndLost() {
        Ledger ledger = new Ledger();
        ledger.accepted("a", "SMTP");
        ledger.accepted("b", "SMTP");
        ledger.accepted("c", "SMTP");
        Ledger.Verdict verdict = ledger.verdict(Map.of("a", List.of(at(System.currentTimeMillis())),
            "b", List.of(new Ledger.Copy("mx", true, System.currentTimeMillis(), null)), "x", List.of(at(1))));

        assertThat(verdict.deliveredOnce).isEqualTo(1);
        assertThat(verdict.dsnOnce).isEqualTo(1);
        assertThat(verdict.lost).singleElement().asString().startsWith("c ");
        assertThat(verdict.notAcceptedButArrived).isEqualTo(1);
        assertThat(verdict.promiseKept()).isFalse();
    }

    @Test
    void aDuplicateNeedsALostAnswerOrACrashWhileInFlight() {
        Ledger ledger = new Ledger();
        long now = System.currentTimeMillis();
        ledger.accepted("timeout", "API");
        ledger.accepted("crash", "API");
        ledger.accepted("twiceAnswered", "API");
        ledger.accepted("threeOneLost", "API");
        ledger.crash(now + 1_000);

        Ledger.Verdict verdict = ledger.verdict(Map.of(
            "timeout", List.of(at(now + 10), lostAnswer(now + 20)),
            "crash", List.of(at(now + 500), at(now + 2_000)),
            "twiceAnswered", List.of(at(now + 2_000), at(now + 3_000)),
            "threeOneLost", List.of(lostAnswer(now + 10), at(now + 20), at(now + 30))));

        assertThat(verdict.deliveredMoreThanOnce).hasSize(3);
        assertThat(verdict.extraCopiesLostAnswer).isEqualTo(1);
        assertThat(verdict.extraCopiesCrash).isEqualTo(2);
        // accepted before the crash but both copies after it: the crash explains it (redelivered from two queues)
        assertThat(verdict.unexplainedDuplicates).hasSize(1).noneMatch(line -> line.startsWith("twiceAnswered"));
        assertThat(verdict.unexplainedDuplicates).singleElement().asString().startsWith("threeOneLost");
    }

    @Test
    void deliveredAndDsnedIsAFailure() {
        Ledger ledger = new Ledger();
        ledger.accepted("both", "SMTP");
        Ledger.Verdict verdict = ledger.verdict(Map.of("both", List.of(at(1), new Ledger.Copy("mx", true, 2, null))));
        assertThat(verdict.deliveredAndDsn).hasSize(1);
        assertThat(verdict.promiseKept()).isFalse();
    }

    @Test
    void theIdIsReadFromTheMessageOrTheHeadersADsnQuotes() {
        assertThat(Ledger.idIn("From: a@b\r\nX-Soak-Id: k77b.12.0\r\n\r\nbody")).isEqualTo("k77b.12.0");
        assertThat(Ledger.idIn("--b\r\nContent-Type: text/rfc822-headers\r\n\r\nx-soak-id: k77b.13.1\r\n")).isEqualTo("k77b.13.1");
        assertThat(Ledger.idIn("Subject: none\r\n\r\nX-Soak-Id is mentioned")).isNull();
    }
}
