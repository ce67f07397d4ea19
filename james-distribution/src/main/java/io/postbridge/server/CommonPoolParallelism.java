package io.postbridge.server;

import java.util.concurrent.ForkJoinPool;

/**
 * Gives the JDK's common pool at least two threads. With one (its default on a machine with 2 cores: cores - 1),
 * {@code CompletableFuture} runs every asynchronous stage on a thread of its own, started for that stage and then
 * discarded; the JDK's {@code HttpClient} completes every response that way. With the Gmail and Graph calls of API
 * delivery that was one thread started and ended per mail (seen in a flight recording of the API delivery
 * benchmark). Paired runs of that benchmark put the CPU it costs within the machine's noise (13.0 ms of server CPU
 * per mail either way), so this is hygiene, not a speed-up. Must run before anything uses the pool; an operator's
 * own {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} wins.
 */
final class CommonPoolParallelism {
    static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";
    static final int MINIMUM = 2;

    private CommonPoolParallelism() {
    }

    /** @return the common pool's parallelism once set (less than {@link #MINIMUM} if the pool was created first) */
    static int atLeastTwo() {
        if (System.getProperty(PROPERTY) == null && Runtime.getRuntime().availableProcessors() - 1 < MINIMUM) {
            System.setProperty(PROPERTY, String.valueOf(MINIMUM));
        }
        return ForkJoinPool.getCommonPoolParallelism();
    }
}
