package io.postbridge.auth.api;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import com.google.rpc.Status;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.postbridge.core.api.ApiFailure;

/**
 * {@link ApiFailure} as a gRPC status: the code, the message (naming the field), google.rpc.BadRequest for
 * INVALID_ARGUMENT, google.rpc.RetryInfo and the {@code retry-after-seconds} trailer for RESOURCE_EXHAUSTED.
 */
final class GrpcStatuses {
    private static final Logger LOGGER = LoggerFactory.getLogger(GrpcStatuses.class);
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after-seconds", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcStatuses() {
    }

    static StatusRuntimeException of(ApiFailure failure) {
        Status.Builder status = Status.newBuilder().setCode(code(failure.kind()).getNumber()).setMessage(failure.getMessage());
        failure.field().ifPresent(field -> status.addDetails(Any.pack(BadRequest.newBuilder()
            .addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(failure.getMessage())).build())));
        Metadata trailers = new Metadata();
        failure.retryAfterSeconds().ifPresent(seconds -> {
            status.addDetails(Any.pack(RetryInfo.newBuilder().setRetryDelay(Duration.newBuilder().setSeconds(seconds)).build()));
            trailers.put(RETRY_AFTER, Long.toString(seconds));
        });
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }

    private static Code code(ApiFailure.Kind kind) {
        switch (kind) {
            case UNAUTHENTICATED:
                return Code.UNAUTHENTICATED;
            case INVALID_ARGUMENT:
                return Code.INVALID_ARGUMENT;
            case PERMISSION_DENIED:
                return Code.PERMISSION_DENIED;
            case RESOURCE_EXHAUSTED:
                return Code.RESOURCE_EXHAUSTED;
            default:
                return Code.UNAVAILABLE;
        }
    }

    /** Runs one unary call: its answer, or its refusal as a status; an unexpected error is UNAVAILABLE, never a crash. */
    static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T response;
        try {
            response = call.get();
        } catch (ApiFailure failure) {
            observer.onError(of(failure));
            return;
        } catch (RuntimeException e) {
            LOGGER.warn("Postbridge: gRPC call failed", e);
            observer.onError(io.grpc.Status.UNAVAILABLE.withDescription("internal error, try again: " + e.getMessage()).asRuntimeException());
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }
}
