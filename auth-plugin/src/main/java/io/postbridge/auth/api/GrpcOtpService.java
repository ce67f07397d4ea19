package io.postbridge.auth.api;

import java.util.Objects;
import java.util.Optional;

import io.grpc.stub.StreamObserver;
import io.postbridge.api.v1.OtpServiceGrpc;
import io.postbridge.api.v1.SendCodeRequest;
import io.postbridge.api.v1.SendCodeResponse;
import io.postbridge.api.v1.ValidateCodeRequest;
import io.postbridge.api.v1.ValidateCodeResponse;
import io.postbridge.core.otp.OtpService;

/** OtpService.SendCode and ValidateCode for the calling account. */
final class GrpcOtpService extends OtpServiceGrpc.OtpServiceImplBase {
    private final OtpService otp;

    GrpcOtpService(OtpService otp) {
        this.otp = Objects.requireNonNull(otp);
    }

    @Override
    public void sendCode(SendCodeRequest request, StreamObserver<SendCodeResponse> responses) {
        GrpcStatuses.answer(responses, () -> {
            OtpService.SentCode sent = otp.sendCode(ApiKeyInterceptor.ACCOUNT.get(), ApiKeyInterceptor.CLIENT_IP.get(), "gRPC",
                request.getEmail(), optional(request.getPurpose()), optional(request.getFrom()));
            return SendCodeResponse.newBuilder().setMessageId(sent.messageId()).setExpiresInSeconds(sent.expiresIn().toSeconds()).build();
        });
    }

    @Override
    public void validateCode(ValidateCodeRequest request, StreamObserver<ValidateCodeResponse> responses) {
        GrpcStatuses.answer(responses, () -> ValidateCodeResponse.newBuilder()
            .setValid(otp.validate(ApiKeyInterceptor.ACCOUNT.get(), request.getEmail(), request.getCode(), optional(request.getPurpose())))
            .build());
    }

    private static Optional<String> optional(String value) {
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }
}
