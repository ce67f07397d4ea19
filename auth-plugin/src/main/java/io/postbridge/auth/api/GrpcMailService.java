package io.postbridge.auth.api;

import java.util.Objects;

import io.grpc.stub.StreamObserver;
import io.postbridge.api.v1.Attachment;
import io.postbridge.api.v1.MailServiceGrpc;
import io.postbridge.api.v1.SendMailResponse;
import io.postbridge.core.api.MailSubmission;
import io.postbridge.core.api.SendMailRequest;
import io.postbridge.core.api.SendMailResult;

/** MailService.SendMail: the protobuf request as a {@link SendMailRequest} of the calling account. */
final class GrpcMailService extends MailServiceGrpc.MailServiceImplBase {
    private final MailSubmission submission;

    GrpcMailService(MailSubmission submission) {
        this.submission = Objects.requireNonNull(submission);
    }

    @Override
    public void sendMail(io.postbridge.api.v1.SendMailRequest request, StreamObserver<SendMailResponse> responses) {
        GrpcStatuses.answer(responses, () -> {
            SendMailRequest.Builder mail = SendMailRequest.builder().to(request.getToList()).cc(request.getCcList())
                .bcc(request.getBccList()).subject(request.getSubject()).text(request.getText()).html(request.getHtml())
                .from(request.getFrom()).replyTo(request.getReplyToList()).headers(request.getHeadersMap())
                .idempotencyKey(request.getIdempotencyKey());
            for (Attachment attachment : request.getAttachmentsList()) {
                mail.attachment(new SendMailRequest.Attachment(attachment.getFilename(), attachment.getContentType(),
                    attachment.getContent().toByteArray()));
            }
            SendMailResult result = submission.submit(ApiKeyInterceptor.ACCOUNT.get(), ApiKeyInterceptor.CLIENT_IP.get(), "gRPC", mail.build());
            return SendMailResponse.newBuilder().setMessageId(result.messageId()).setDuplicate(result.duplicate()).build();
        });
    }
}
