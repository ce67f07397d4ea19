package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.api.ApiFailure;
import io.postbridge.core.api.MailSpool;
import io.postbridge.core.api.MailSubmission;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.otp.OtpService;
import io.postbridge.core.otp.OtpTemplate;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * One-time codes on the real store: single use, lifespan, attempt limit, the race of concurrent validations, another
 * node validating, the resend throttle, per-account templates, and the code never stored nor logged.
 */
abstract class OtpContract extends BackendContract {
    private static final Pattern CODE = Pattern.compile("Your code is ([0-9]+)");

    /** The spool port of MailSubmission, as James's queue would take the mail: the code is read back from it. */
    private final List<MailSpool.Submission> spooled = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Account account;

    OtpContract(Store store) {
        super(store);
    }

    @BeforeEach
    void account() {
        account = backend.accounts().create("app", clock.instant());
        backend.senders().add(account.id(), SenderPattern.parse("@example.com"));
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void logsOff() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    private OtpService otp(PostbridgeBackend on) {
        MailSubmission submission = new MailSubmission(on.senderPolicy(), on.rateLimits(), on.idempotencyKeys(), spooled::add, on.events(), clock);
        return new OtpService(on.otpCodes(), on.keyHasher(), submission, on.events(), on.otpSettings(), clock, new SecureRandom());
    }

    private String send(OtpService service, String email, String purpose) {
        service.sendCode(account, "192.0.2.1", "test", email, Optional.ofNullable(purpose), Optional.of("noreply@example.com"));
        return lastCode();
    }

    private String lastCode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            spooled.get(spooled.size() - 1).message().writeTo(bytes);
            Matcher matcher = CODE.matcher(bytes.toString(StandardCharsets.UTF_8));
            assertThat(matcher.find()).as("the code mail carries the code").isTrue();
            return matcher.group(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String wrong(String code) {
        return code.charAt(0) == '9' ? "1" + code.substring(1) : (char) (code.charAt(0) + 1) + code.substring(1);
    }

    @Test
    void aValidCodePassesOnceThenFails() {
        OtpService service = otp(backend);
        String code = send(service, "user@client.test", null);

        assertThat(code).hasSize(6).containsOnlyDigits();
        assertThat(spooled.get(0).recipients()).containsExactly("user@client.test");
        assertThat(service.validate(account, "User@Client.test", code, Optional.empty())).isTrue();
        assertThat(service.validate(account, "user@client.test", code, Optional.empty())).isFalse();
        assertThatThrownBy(() -> send(service, "user@client.test", null)).as("a used code still counts for the resend throttle")
            .isInstanceOfSatisfying(ApiFailure.class, failure -> assertThat(failure.kind()).isEqualTo(ApiFailure.Kind.RESOURCE_EXHAUSTED));
        assertThat(backend.events().recent(100, Optional.empty(), Optional.of("app")))
            .extracting(MailEvent::getType).contains(MailEventType.OTP_SENT, MailEventType.OTP_VALIDATED, MailEventType.OTP_REJECTED);
    }

    @Test
    void anExpiredCodeFails() {
        OtpService service = otp(backend);
        String code = send(service, "user@client.test", "login");

        clock.advance(Duration.ofSeconds(120));

        assertThat(service.validate(account, "user@client.test", code, Optional.of("login"))).isFalse();
    }

    @Test
    void theSixthAttemptFailsEvenWithTheRightCode() {
        OtpService service = otp(backend);
        String code = send(service, "user@client.test", null);
        for (int i = 0; i < 5; i++) {
            assertThat(service.validate(account, "user@client.test", wrong(code), Optional.empty())).isFalse();
        }

        assertThat(service.validate(account, "user@client.test", code, Optional.empty())).isFalse();
    }

    @Test
    void aCodeOfOnePurposeDoesNotValidateAnother() {
        OtpService service = otp(backend);
        String code = send(service, "user@client.test", "login");

        assertThat(service.validate(account, "user@client.test", code, Optional.of("reset"))).isFalse();
        assertThat(service.validate(account, "user@client.test", code, Optional.of("login"))).isTrue();
    }

    @Test
    void concurrentValidationsOfOneCodeSucceedExactlyOnce() throws Exception {
        OtpService service = otp(backend);
        String code = send(service, "user@client.test", null);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<Boolean> attempt = () -> {
                    start.await();
                    return service.validate(account, "user@client.test", code, Optional.empty());
                };
                results.add(pool.submit(attempt));
            }
            start.countDown();
            int successes = 0;
            for (Future<Boolean> result : results) {
                successes += result.get() ? 1 : 0;
            }
            assertThat(successes).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCodeIssuedOnOneNodeIsValidatedOnAnother() {
        String code = send(otp(backend), "user@client.test", null);
        if (store() == Store.POSTGRES) {
            PostbridgeBackend otherNode = openBackend(Map.of());
            try {
                assertThat(otp(otherNode).validate(account, "user@client.test", code, Optional.empty())).isTrue();
                assertThat(otp(backend).validate(account, "user@client.test", code, Optional.empty())).isFalse();
            } finally {
                otherNode.close();
            }
        } else {
            restart(); // the embedded database has one process: the other node is the next start
            assertThat(otp(backend).validate(account, "user@client.test", code, Optional.empty())).isTrue();
        }
    }

    @Test
    void resendsAreThrottledPerAddressAndANewCodeReplacesTheOld() {
        OtpService service = otp(backend);
        String first = send(service, "user@client.test", null);

        assertThatThrownBy(() -> send(service, "user@client.test", null)).isInstanceOfSatisfying(ApiFailure.class, failure -> {
            assertThat(failure.kind()).isEqualTo(ApiFailure.Kind.RESOURCE_EXHAUSTED);
            assertThat(failure.retryAfterSeconds()).contains(30L);
        });
        clock.advance(Duration.ofSeconds(30));
        String second = send(service, "user@client.test", null);

        assertThat(spooled).hasSize(2);
        if (!second.equals(first)) {
            assertThat(service.validate(account, "user@client.test", first, Optional.empty())).isFalse();
        }
        assertThat(service.validate(account, "user@client.test", second, Optional.empty())).isTrue();
    }

    @Test
    void theAccountTemplateShapesTheCodeMail() throws Exception {
        backend.otpCodes().saveTemplate(account.id(), new OtpTemplate(Optional.of("security@example.com"), "Login code {code}",
            "Your code is {code}, good for {minutes} minutes."), clock.instant());
        String code = send(otp(backend), "user@client.test", null);
        spooled.clear();
        clock.advance(Duration.ofMinutes(1));
        otp(backend).sendCode(account, "192.0.2.1", "test", "other@client.test", Optional.empty(), Optional.empty());

        assertThat(code).hasSize(6);
        assertThat(spooled.get(0).sender()).isEqualTo("security@example.com");
        assertThat(spooled.get(0).message().getSubject()).matches("Login code [0-9]{6}");
        assertThat((String) spooled.get(0).message().getContent()).contains("good for 2 minutes");
    }

    @Test
    void aSenderOutsideThePolicyGetsNoCode() {
        OtpService service = otp(backend);

        assertThatThrownBy(() -> service.sendCode(account, "192.0.2.1", "test", "user@client.test", Optional.empty(),
            Optional.of("someone@elsewhere.test"))).isInstanceOfSatisfying(ApiFailure.class,
                failure -> assertThat(failure.kind()).isEqualTo(ApiFailure.Kind.PERMISSION_DENIED));
        assertThat(spooled).isEmpty();
        // the refused mail left no code behind: a corrected request is not throttled
        send(service, "user@client.test", null);
    }

    @Test
    void badInputNamesTheField() {
        OtpService service = otp(backend);

        assertThatThrownBy(() -> service.sendCode(account, "192.0.2.1", "test", "not-an-address", Optional.empty(), Optional.empty()))
            .isInstanceOfSatisfying(ApiFailure.class, failure -> assertThat(failure.field()).contains("email"));
        assertThatThrownBy(() -> service.validate(account, "user@client.test", "12ab56", Optional.empty()))
            .isInstanceOfSatisfying(ApiFailure.class, failure -> assertThat(failure.field()).contains("code"));
        assertThatThrownBy(() -> service.validate(account, "user@client.test", "123456", Optional.of("bad purpose!")))
            .isInstanceOfSatisfying(ApiFailure.class, failure -> assertThat(failure.field()).contains("purpose"));
    }

    @Test
    void theCodeIsNeitherStoredNorLogged() {
        restart(Map.of(PostbridgeSettings.OTP_DIGITS, "10"));
        String code = send(otp(backend), "user@client.test", null);
        otp(backend).validate(account, "user@client.test", wrong(code), Optional.empty());

        assertThat(code).hasSize(10);
        assertThat(new String(storedBytes("pb_otp_code", "pb_mail_event"), StandardCharsets.ISO_8859_1)).doesNotContain(code);
        assertThat(logs.list).isNotEmpty().allSatisfy(line -> assertThat(line.getFormattedMessage()).doesNotContain(code));
        assertThat(otp(backend).validate(account, "user@client.test", code, Optional.empty())).isTrue();
    }

    @Test
    void expiredCodesAreCleanedUp() {
        OtpService service = otp(backend);
        send(service, "user@client.test", null);
        clock.advance(Duration.ofMinutes(5));
        send(service, "other@client.test", null);

        assertThat(backend.otpCodes().find(account.id(), "user@client.test", "")).isEmpty();
        assertThat(backend.otpCodes().find(account.id(), "other@client.test", "")).isPresent();
    }

    @Test
    void sixDigitsByDefaultAndConfigurable() {
        restart(Map.of(PostbridgeSettings.OTP_DIGITS, "8", PostbridgeSettings.OTP_LIFESPAN, "10m"));
        OtpService service = otp(backend);
        String code = send(service, "user@client.test", null);
        clock.advance(Duration.ofMinutes(9));

        assertThat(code).hasSize(8);
        assertThat(service.validate(account, "user@client.test", code, Optional.empty())).isTrue();
        assertThat(Instant.EPOCH).isBefore(clock.instant());
    }
}
