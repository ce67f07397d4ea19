package io.postbridge.core.fakes;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * What a fake endpoint does next: answer normally, or (for the next N requests) answer with a given status, or hang.
 * Also a fixed latency for every request, for benchmarks.
 */
public final class Script {
    /** One scripted answer. {@code status == HANG} means: never answer (until the fake is closed). */
    public static final class Step {
        public static final int HANG = -1;
        final int status;
        final String body;
        final Map<String, String> headers;

        Step(int status, String body, Map<String, String> headers) {
            this.status = status;
            this.body = body;
            this.headers = headers;
        }
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private volatile Duration latency = Duration.ZERO;

    /** The next {@code times} requests get this answer instead of the normal one. */
    public synchronized Script respond(int times, int status, String body, Map<String, String> headers) {
        for (int i = 0; i < times; i++) {
            steps.addLast(new Step(status, body, headers));
        }
        return this;
    }

    public Script respond(int times, int status, String body) {
        return respond(times, status, body, Map.of());
    }

    /** The next {@code times} requests are never answered. */
    public Script hang(int times) {
        return respond(times, Step.HANG, "", Map.of());
    }

    /** Throttle: 429 with Retry-After. */
    public Script throttle(int times, int retryAfterSeconds) {
        return respond(times, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"throttled by the fake\"}}",
            Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public Script latency(Duration value) {
        this.latency = value;
        return this;
    }

    public synchronized void clear() {
        steps.clear();
    }

    synchronized Step next() {
        return steps.pollFirst();
    }

    Duration latency() {
        return latency;
    }
}
