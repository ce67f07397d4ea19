package io.postbridge.auth.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.auth.web.PublicWebRoutes;
import io.postbridge.auth.webadmin.JsonBody;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.api.ApiAuthentication;
import io.postbridge.core.api.ApiFailure;
import io.postbridge.core.api.MailSubmission;
import io.postbridge.core.api.SendMailRequest;
import io.postbridge.core.api.SendMailResult;
import io.postbridge.core.otp.OtpService;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The HTTPS JSON variant of the gRPC API, on the public web listener: {@code POST /api/v1/mail},
 * {@code POST /api/v1/otp/send}, {@code POST /api/v1/otp/validate}, and the OpenAPI description at
 * {@code GET /api/v1/openapi.yaml}. The same core services and key check as the gRPC listener; {@link ApiFailure}s
 * become HTTP statuses (401, 400 naming the field, 403, 429 with Retry-After, 503) with a JSON error body.
 */
public class ApiHttpRoutes implements PublicWebRoutes {
    public static final String BASE = "/api/v1";
    public static final String OPENAPI = BASE + "/openapi.yaml";
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiHttpRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MAIL_FIELDS = Set.of("to", "cc", "bcc", "subject", "text", "html", "from", "replyTo", "headers",
        "attachments", "idempotencyKey");

    private final ApiAuthentication authentication;
    private final MailSubmission submission;
    private final OtpService otp;
    private final byte[] openApi;

    @Inject
    public ApiHttpRoutes(ApiAuthentication authentication, MailSubmission submission, OtpService otp) {
        this.authentication = authentication;
        this.submission = submission;
        this.otp = otp;
        try (InputStream in = ApiHttpRoutes.class.getResourceAsStream("openapi.yaml")) {
            this.openApi = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the bundle lacks io/postbridge/auth/api/openapi.yaml", e);
        }
    }

    @Override
    public void define(Service service) {
        service.get(OPENAPI, (request, response) -> {
            response.type("application/yaml; charset=utf-8");
            return new String(openApi, StandardCharsets.UTF_8);
        });
        service.post(BASE + "/mail", (request, response) -> call(request, response, account -> {
            SendMailResult result = submission.submit(account, request.ip(), "HTTPS API", mail(request));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("messageId", result.messageId());
            json.put("duplicate", result.duplicate());
            return json;
        }));
        service.post(BASE + "/otp/send", (request, response) -> call(request, response, account -> {
            JsonBody body = JsonBody.parse(request, Set.of("email", "purpose", "from"));
            OtpService.SentCode sent = otp.sendCode(account, request.ip(), "HTTPS API", body.string("email").orElse(""),
                body.string("purpose"), body.string("from"));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("messageId", sent.messageId());
            json.put("expiresInSeconds", sent.expiresIn().toSeconds());
            return json;
        }));
        service.post(BASE + "/otp/validate", (request, response) -> call(request, response, account -> {
            JsonBody body = JsonBody.parse(request, Set.of("email", "code", "purpose"));
            boolean valid = otp.validate(account, body.string("email").orElse(""), body.string("code").orElse(""), body.string("purpose"));
            return Map.of("valid", valid);
        }));
    }

    private interface Call {
        Object run(Account account);
    }

    private Object call(Request request, Response response, Call call) {
        response.type("application/json; charset=utf-8");
        try {
            Account account = authentication.authenticate(request.headers("Authorization"), request.ip());
            return JSON.writeValueAsString(call.run(account));
        } catch (ApiFailure failure) {
            return error(response, failure);
        } catch (HaltException e) {
            throw e; // JsonBody's 400 for a malformed body
        } catch (JsonProcessingException | RuntimeException e) {
            LOGGER.warn("Postbridge: HTTPS API call failed", e);
            return error(response, ApiFailure.unavailable("internal error, try again", e));
        }
    }

    private static String error(Response response, ApiFailure failure) {
        response.status(failure.kind().httpStatus());
        failure.retryAfterSeconds().ifPresent(seconds -> response.header("Retry-After", Long.toString(seconds)));
        if (failure.kind() == ApiFailure.Kind.UNAUTHENTICATED) {
            response.header("WWW-Authenticate", "Bearer");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("statusCode", failure.kind().httpStatus());
        json.put("type", failure.kind().name());
        json.put("message", failure.getMessage());
        failure.field().ifPresent(field -> json.put("field", field));
        failure.retryAfterSeconds().ifPresent(seconds -> json.put("retryAfterSeconds", seconds));
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SendMailRequest mail(Request request) {
        JsonBody body = JsonBody.parse(request, MAIL_FIELDS);
        SendMailRequest.Builder mail = SendMailRequest.builder().to(body.stringList("to")).cc(body.stringList("cc"))
            .bcc(body.stringList("bcc")).subject(body.string("subject").orElse("")).text(body.string("text").orElse(null))
            .html(body.string("html").orElse(null)).from(body.string("from").orElse(null)).replyTo(body.stringList("replyTo"))
            .headers(body.stringMap("headers", false)).idempotencyKey(body.string("idempotencyKey").orElse(null));
        List<JsonBody> attachments = body.objectList("attachments", Set.of("filename", "contentType", "content"));
        for (int i = 0; i < attachments.size(); i++) {
            JsonBody attachment = attachments.get(i);
            byte[] content;
            try {
                content = Base64.getDecoder().decode(attachment.string("content").orElse(""));
            } catch (IllegalArgumentException e) {
                throw ApiFailure.invalid("attachments[" + i + "].content", "must be base64");
            }
            mail.attachment(new SendMailRequest.Attachment(attachment.string("filename").orElse(""),
                attachment.string("contentType").orElse(""), content));
        }
        return mail.build();
    }
}
