package io.postbridge.core.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a request whose whole answer must arrive within twice its timeout. The JDK's {@link HttpRequest#timeout()}
 * (JDK 11 to 17) stops once the response headers arrive: a 2xx whose body never ends held the call, and the
 * account's delivery slot, until the peer closed the connection (found by the soak test, issue 19). The headers
 * still come within the request timeout; the rest of the answer gets as long again. On the deadline the exchange is
 * cancelled and the call fails with {@link HttpTimeoutException}, a transient failure like any other timeout.
 */
public final class BoundedHttp {
    private BoundedHttp() {
    }

    public static <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpClient http, HttpRequest request,
                                                                   HttpResponse.BodyHandler<T> body) {
        CompletableFuture<HttpResponse<T>> call = http.sendAsync(request, body);
        if (request.timeout().isEmpty()) {
            return call;
        }
        Duration deadline = request.timeout().get().multipliedBy(2);
        CompletableFuture<HttpResponse<T>> bounded = new CompletableFuture<>();
        call.whenComplete((response, failure) -> {
            if (failure != null) {
                bounded.completeExceptionally(failure);
            } else {
                bounded.complete(response);
            }
        });
        CompletableFuture.delayedExecutor(deadline.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (bounded.completeExceptionally(new HttpTimeoutException("no complete answer from " + request.uri().getHost()
                + " within " + deadline.toSeconds() + " s"))) {
                call.cancel(true); // JDK 16+: aborts the exchange and frees its connection
            }
        });
        return bounded;
    }

    /** The blocking form of {@link #sendAsync}, for callers that wait anyway (token endpoints). */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> body)
        throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> call = sendAsync(http, request, body);
        try {
            return call.get();
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                ? e.getCause().getCause() : e.getCause();
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            if (cause instanceof CancellationException) {
                throw new IOException("call to " + request.uri().getHost() + " cancelled", cause);
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IOException(cause);
        }
    }
}
