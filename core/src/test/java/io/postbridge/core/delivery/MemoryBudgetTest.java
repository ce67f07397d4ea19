package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
    @Test
    void deliveriesWaitUntilTheirBytesFitInArrivalOrder() {
        MemoryBudget budget = new MemoryBudget(100);
        assertThat(budget.acquire(60)).isDone();
        CompletableFuture<Void> big = budget.acquire(50);
        CompletableFuture<Void> small = budget.acquire(10);
        assertThat(big).isNotDone();
        assertThat(small).as("no overtaking: the big one would starve").isNotDone();
        budget.release(60);
        assertThat(big).isDone();
        assertThat(small).isDone();
        assertThat(budget.used()).isEqualTo(60);
    }

    @Test
    void aMessageLargerThanTheBudgetGoesAlone() {
        MemoryBudget budget = new MemoryBudget(100);
        assertThat(budget.acquire(500)).isDone();
        CompletableFuture<Void> next = budget.acquire(1);
        assertThat(next).isNotDone();
        budget.release(500);
        assertThat(next).isDone();
    }
}
