package io.postbridge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.JamesServerExtension;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.wiser.WiserMessage;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.RetryInfo;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.postbridge.api.v1.Attachment;
import io.postbridge.api.v1.MailServiceGrpc;
import io.postbridge.api.v1.OtpServiceGrpc;
import io.postbridge.api.v1.SendCodeRequest;
import io.postbridge.api.v1.SendCodeResponse;
import io.postbridge.api.v1.SendMailRequest;
import io.postbridge.api.v1.SendMailResponse;
import io.postbridge.api.v1.ValidateCodeRequest;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.dkim.DkimTestKeys;
import io.postbridge.it.Accounts;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.WebAdmin;

/**
 * The gRPC API of a real in-process James, called with the generated Java stubs over TLS on the server's certificate:
 * SendMail mail reaches the fake MX signed with DKIM and under the account's sender policy and limits, one-time codes
 * go out by mail and validate once, and every refusal has its status code.
 */
class GrpcApiTest {
    private static final ConditionFactory AWAIT = ApiFixture.AWAIT;
    private static final DkimTestKeys KEYS = ApiFixture.KEYS;
    private static final int GRPC_PORT = FakeMx.freePort();

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();
    private static final ApiFixture API = new ApiFixture(mx);

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = API.james(Map.of("api.grpc.enabled", "true", "api.grpc.host", "127.0.0.1",
        "api.grpc.port", Integer.toString(GRPC_PORT), "auth.failures.max", "1000"));

    @TempDir
    static Path dir;
    private static WebAdmin webAdmin;
    private static Accounts accounts;
    private static String shopKey;
    private static ManagedChannel channel;

    @BeforeAll
    static void setUp() throws Exception {
        API.openShop(james);
        webAdmin = API.webAdmin();
        accounts = API.accounts();
        shopKey = API.shopKey();
        channel = GrpcClients.tls(GRPC_PORT, API.keystore(), ApiFixture.KEYSTORE_PASSWORD);
    }

    @AfterAll
    static void tearDown() throws Exception {
        GrpcClients.close(channel);
    }

    private static MailServiceGrpc.MailServiceBlockingStub mail(String key) {
        return MailServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcClients.bearer(key));
    }

    private static OtpServiceGrpc.OtpServiceBlockingStub otp(String key) {
        return OtpServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcClients.bearer(key));
    }

    private static List<WiserMessage> delivered(String messageId, int copies) {
        return API.delivered(messageId, copies);
    }

    private static StatusRuntimeException refusal(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call was not refused");
    }

    @Test
    void sendMailReachesTheMxSignedWithDkimForEveryRecipientWithoutBcc() throws Exception {
        SendMailResponse response = mail(shopKey).sendMail(SendMailRequest.newBuilder()
            .addTo("Bob <bob@remote.test>").addCc("carol@remote.test").addBcc("dave@remote.test")
            .setFrom("orders@example.com").addReplyTo("help@example.com").setSubject("Order 42 – shipped")
            .setText("Your order is on its way.").setHtml("<p>Your order is on its <b>way</b>.</p>")
            .putHeaders("X-Order", "42")
            .addAttachments(Attachment.newBuilder().setFilename("invoice.pdf").setContentType("application/pdf")
                .setContent(ByteString.copyFrom("%PDF-1.4 test", StandardCharsets.US_ASCII)))
            .build());

        List<WiserMessage> copies = delivered(response.getMessageId(), 3);
        assertThat(copies).extracting(WiserMessage::getEnvelopeReceiver)
            .containsExactlyInAnyOrder("bob@remote.test", "carol@remote.test", "dave@remote.test");
        WiserMessage received = copies.get(0);
        String raw = new String(received.getData(), StandardCharsets.UTF_8);
        assertThat(received.getEnvelopeSender()).isEqualTo("orders@example.com");
        assertThat(received.getMimeMessage().getHeader("DKIM-Signature", null)).contains("d=example.com");
        assertThat(received.getMimeMessage().getHeader("Bcc")).isNull();
        assertThat(received.getMimeMessage().getHeader("X-Order", null)).isEqualTo("42");
        assertThat(received.getMimeMessage().getHeader("Reply-To", null)).isEqualTo("help@example.com");
        assertThat(received.getMimeMessage().getSubject()).isEqualTo("Order 42 – shipped");
        assertThat(raw).contains("multipart/mixed").contains("multipart/alternative").contains("invoice.pdf");
        AWAIT.until(() -> Events.typesFor(webAdmin, response.getMessageId()).contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, response.getMessageId()).get(0).path("account").asText()).isEqualTo("shop");

        if (ExternalDkimVerifiers.toolDirectory() != null && Files.isDirectory(ExternalDkimVerifiers.toolDirectory())) {
            ExternalDkimVerifiers.assumeInstalled();
            Path file = dir.resolve("grpc-received.eml");
            Files.write(file, received.getData());
            ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(KEYS.keyFile(dir), file);
            assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        }
    }

    @Test
    void aFromOverrideAppliesToApiMailAsToSmtp() throws Exception {
        accounts.create("scanner", "{\"fromOverride\": \"scans@example.com\"}").allowSender("scanner", "scans@example.com");
        String key = accounts.issueKey("scanner").key;

        SendMailResponse response = mail(key).sendMail(SendMailRequest.newBuilder().addTo("erin@remote.test")
            .setFrom("someone-else@example.com").setSubject("scan").setText("scan attached").build());

        WiserMessage received = delivered(response.getMessageId(), 1).get(0);
        assertThat(received.getEnvelopeSender()).isEqualTo("scans@example.com");
        assertThat(received.getMimeMessage().getHeader("From", null)).isEqualTo("scans@example.com");
    }

    @Test
    void aSenderOutsideThePolicyIsPermissionDenied() {
        StatusRuntimeException refused = refusal(() -> mail(shopKey).sendMail(SendMailRequest.newBuilder().addTo("bob@remote.test")
            .setFrom("ceo@other.test").setSubject("x").setText("x").build()));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getStatus().getDescription()).contains("ceo@other.test").contains("shop");
    }

    @Test
    void aBadOrMissingKeyIsUnauthenticated() {
        String wrong = shopKey.substring(0, shopKey.length() - 2) + (shopKey.endsWith("AA") ? "BB" : "AA");
        SendMailRequest request = SendMailRequest.newBuilder().addTo("bob@remote.test").setFrom("orders@example.com").setText("x").build();

        assertThat(refusal(() -> mail(wrong).sendMail(request)).getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusal(() -> MailServiceGrpc.newBlockingStub(channel).sendMail(request)).getStatus().getCode())
            .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusal(() -> otp(wrong).validateCode(ValidateCodeRequest.newBuilder().setEmail("a@b.test").setCode("123456").build()))
            .getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void badInputIsInvalidArgumentNamingTheField() throws Exception {
        StatusRuntimeException badAddress = refusal(() -> mail(shopKey).sendMail(SendMailRequest.newBuilder().addTo("bob@remote.test")
            .addTo("not an address").setFrom("orders@example.com").setText("x").build()));
        StatusRuntimeException noBody = refusal(() -> mail(shopKey).sendMail(SendMailRequest.newBuilder().addTo("bob@remote.test")
            .setFrom("orders@example.com").build()));
        StatusRuntimeException reservedHeader = refusal(() -> mail(shopKey).sendMail(SendMailRequest.newBuilder().addTo("bob@remote.test")
            .setFrom("orders@example.com").setText("x").putHeaders("Received", "forged").build()));

        assertThat(badAddress.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badAddress.getStatus().getDescription()).startsWith("to[1]:");
        com.google.rpc.Status details = StatusProto.fromThrowable(badAddress);
        assertThat(details.getDetailsList().get(0).unpack(BadRequest.class).getFieldViolations(0).getField()).isEqualTo("to[1]");
        assertThat(noBody.getStatus().getDescription()).startsWith("text:");
        assertThat(reservedHeader.getStatus().getDescription()).startsWith("headers[Received]:");
    }

    @Test
    void theRateLimitIsResourceExhaustedWithARetryDelay() throws Exception {
        accounts.create("bursty").allowSender("bursty", "bursty@example.com").limits("bursty", "{\"messagesPerMinute\": 1}");
        String key = accounts.issueKey("bursty").key;
        SendMailRequest request = SendMailRequest.newBuilder().addTo("bob@remote.test").setFrom("bursty@example.com")
            .setSubject("burst").setText("x").build();
        mail(key).sendMail(request);

        StatusRuntimeException refused = refusal(() -> mail(key).sendMail(request));

        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        RetryInfo retry = StatusProto.fromThrowable(refused).getDetailsList().stream()
            .filter(any -> any.is(RetryInfo.class)).findFirst().orElseThrow().unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isBetween(1L, 60L);
        assertThat(refused.getTrailers().get(io.grpc.Metadata.Key.of("retry-after-seconds", io.grpc.Metadata.ASCII_STRING_MARSHALLER)))
            .isEqualTo(Long.toString(retry.getRetryDelay().getSeconds()));
    }

    @Test
    void anIdempotencyKeyQueuesTheMailOnce() throws Exception {
        SendMailRequest request = SendMailRequest.newBuilder().addTo("frank@remote.test").setFrom("orders@example.com")
            .setSubject("once").setText("only once").setIdempotencyKey("order-77-shipped").build();

        SendMailResponse first = mail(shopKey).sendMail(request);
        SendMailResponse again = mail(shopKey).sendMail(request);

        assertThat(again.getMessageId()).isEqualTo(first.getMessageId());
        assertThat(again.getDuplicate()).isTrue();
        assertThat(first.getDuplicate()).isFalse();
        delivered(first.getMessageId(), 1);
        AWAIT.until(() -> Events.typesFor(webAdmin, first.getMessageId()).contains("delivered"));
        assertThat(mx.messages().stream().filter(m -> FakeMx.messageId(m).equals("<" + first.getMessageId() + ">"))).hasSize(1);
    }

    @Test
    void aCodeGoesOutByMailSignedAndValidatesOnce() throws Exception {
        SendCodeResponse sent = otp(shopKey).sendCode(SendCodeRequest.newBuilder().setEmail("grace@remote.test").setPurpose("login")
            .setFrom("security@example.com").build());

        WiserMessage received = delivered(sent.getMessageId(), 1).get(0);
        assertThat(received.getMimeMessage().getHeader("DKIM-Signature", null)).contains("d=example.com");
        Matcher code = Pattern.compile("Your code is ([0-9]{6})").matcher(new String(received.getData(), StandardCharsets.UTF_8));
        assertThat(code.find()).isTrue();
        assertThat(sent.getExpiresInSeconds()).isEqualTo(120);
        ValidateCodeRequest validate = ValidateCodeRequest.newBuilder().setEmail("grace@remote.test").setCode(code.group(1))
            .setPurpose("login").build();

        assertThat(otp(shopKey).validateCode(validate).getValid()).isTrue();
        assertThat(otp(shopKey).validateCode(validate).getValid()).isFalse();
        StatusRuntimeException resend = refusal(() -> otp(shopKey).sendCode(SendCodeRequest.newBuilder().setEmail("grace@remote.test")
            .setPurpose("login").setFrom("security@example.com").build()));
        assertThat(resend.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refusal(() -> otp(shopKey).validateCode(ValidateCodeRequest.newBuilder().setEmail("grace").setCode("1").build()))
            .getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void theAccountsOtpTemplateFromWebAdminShapesTheCodeMail() throws Exception {
        assertThat(webAdmin.put("/postbridge/accounts/shop/otp-template",
            "{\"subject\": \"Shop login code {code}\", \"body\": \"Code {code}, valid {minutes} minutes.\", \"from\": \"login@example.com\"}")
            .statusCode()).isEqualTo(204);
        assertThat(webAdmin.put("/postbridge/accounts/shop/otp-template", "{\"subject\": \"no code here\", \"body\": \"none\"}")
            .statusCode()).isEqualTo(400);
        try {
            SendCodeResponse sent = otp(shopKey).sendCode(SendCodeRequest.newBuilder().setEmail("heidi@remote.test").build());

            WiserMessage received = delivered(sent.getMessageId(), 1).get(0);
            assertThat(received.getEnvelopeSender()).isEqualTo("login@example.com");
            assertThat(received.getMimeMessage().getSubject()).matches("Shop login code [0-9]{6}");
            assertThat(new String(received.getData(), StandardCharsets.UTF_8)).contains("valid 2 minutes");
        } finally {
            assertThat(webAdmin.delete("/postbridge/accounts/shop/otp-template").statusCode()).isEqualTo(204);
        }
    }

    @Test
    void reflectionListsTheServicesForGrpcurl() throws Exception {
        List<String> services = new ArrayList<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
            new StreamObserver<ServerReflectionResponse>() {
                @Override
                public void onNext(ServerReflectionResponse response) {
                    response.getListServicesResponse().getServiceList().forEach(service -> services.add(service.getName()));
                }

                @Override
                public void onError(Throwable t) {
                    done.countDown();
                }

                @Override
                public void onCompleted() {
                    done.countDown();
                }
            });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        AWAIT.until(() -> done.getCount() == 0);

        assertThat(services).contains("postbridge.v1.MailService", "postbridge.v1.OtpService");
    }

    @Test
    void thereIsNoPlaintextOnTheTlsListener() throws Exception {
        ManagedChannel plaintext = GrpcClients.plaintext(GRPC_PORT);
        try {
            assertThatThrownBy(() -> MailServiceGrpc.newBlockingStub(plaintext).withCallCredentials(GrpcClients.bearer(shopKey))
                .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                .sendMail(SendMailRequest.newBuilder().addTo("bob@remote.test").setFrom("orders@example.com").setText("x").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.INTERNAL, Status.Code.DEADLINE_EXCEEDED));
        } finally {
            GrpcClients.close(plaintext);
        }
    }
}
