package io.postbridge.core.otp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.api.ApiFailure;
import io.postbridge.core.api.MailSubmission;
import io.postbridge.core.api.SendMailRequest;
import io.postbridge.core.api.SendMailResult;
import io.postbridge.core.apikeys.ApiKeyHasher;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/**
 * SendCode and ValidateCode. A code is {@link OtpSettings#digits()} random digits (SecureRandom), stored as the
 * HMAC-SHA-256 (server pepper, as API keys) of account, address, purpose and code; compared in constant time; consumed
 * by the one successful validation (a conditional UPDATE, so concurrent validations succeed once); dead after
 * {@link OtpSettings#maxAttempts()} wrong tries or its lifespan. The code mail goes through {@link MailSubmission}, so the
 * account's sender policy, rate limits, DKIM and provider apply.
 */
public final class OtpService {
    private static final Logger LOGGER = LoggerFactory.getLogger(OtpService.class);
    private static final Pattern PURPOSE = Pattern.compile("[A-Za-z0-9._:-]{0,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,32}");
    private static final Duration CLEANUP_EVERY = Duration.ofMinutes(1);

    private final OtpRepository codes;
    private final ApiKeyHasher hasher;
    private final MailSubmission mail;
    private final MailEventLog events;
    private final OtpSettings settings;
    private final Clock clock;
    private final SecureRandom random;
    private final AtomicLong nextCleanup = new AtomicLong();

    public OtpService(OtpRepository codes, ApiKeyHasher hasher, MailSubmission mail, MailEventLog events, OtpSettings settings,
                      Clock clock, SecureRandom random) {
        this.codes = Objects.requireNonNull(codes);
        this.hasher = Objects.requireNonNull(hasher);
        this.mail = Objects.requireNonNull(mail);
        this.events = Objects.requireNonNull(events);
        this.settings = Objects.requireNonNull(settings);
        this.clock = Objects.requireNonNull(clock);
        this.random = Objects.requireNonNull(random);
    }

    /** The message id of the code mail and how long the code lives. */
    public static final class SentCode {
        private final String messageId;
        private final Duration expiresIn;

        SentCode(String messageId, Duration expiresIn) {
            this.messageId = messageId;
            this.expiresIn = expiresIn;
        }

        public String messageId() {
            return messageId;
        }

        public Duration expiresIn() {
            return expiresIn;
        }
    }

    /**
     * @param from the sender asked for by the client; else the account's template sender; else its From override
     * @throws ApiFailure INVALID_ARGUMENT, RESOURCE_EXHAUSTED (resend throttle, rate limit), PERMISSION_DENIED (sender)
     */
    public SentCode sendCode(Account account, String clientIp, String via, String email, Optional<String> purpose, Optional<String> from) {
        String address = address(email);
        String purposeName = purpose(purpose);
        Instant now = clock.instant();
        cleanupOccasionally(now);
        String code = newCode();
        Optional<Long> id = codes.replace(account.id(), address, purposeName, hash(account, address, purposeName, code), now,
            now.plus(settings.lifespan()), now.minus(settings.resendInterval()));
        if (id.isEmpty()) {
            Instant next = codes.find(account.id(), address, purposeName).map(c -> c.createdAt().plus(settings.resendInterval())).orElse(now);
            record(MailEventType.OTP_REJECTED, "otp-send", account, address, "resend refused: a code was sent less than "
                + settings.resendInterval().toSeconds() + " s ago" + purposeText(purposeName));
            throw ApiFailure.exhausted("a code was sent to " + address + " less than " + settings.resendInterval().toSeconds()
                + " seconds ago", Duration.between(now, next));
        }
        OtpTemplate template = codes.template(account.id()).orElse(settings.defaultTemplate());
        long minutes = Math.max(1, (settings.lifespan().toSeconds() + 59) / 60);
        SendMailRequest request = SendMailRequest.builder().to(List.of(address))
            .subject(template.render(template.subject(), code, minutes)).text(template.render(template.body(), code, minutes))
            .from(from.or(template::sender).orElse(null)).build();
        SendMailResult sent;
        try {
            sent = mail.submit(account, clientIp, via + " OtpService", request);
        } catch (RuntimeException e) {
            codes.delete(id.get()); // no mail, no code: the client may ask again at once
            throw e;
        }
        record(MailEventType.OTP_SENT, "otp-" + id.get(), account, address, "code mailed as <" + sent.messageId() + ">, valid "
            + settings.lifespan().toSeconds() + " s" + purposeText(purposeName));
        return new SentCode(sent.messageId(), settings.lifespan());
    }

    /** @return true exactly once per code: when it is right, unexpired, unused, and fewer than maxAttempts were wrong */
    public boolean validate(Account account, String email, String code, Optional<String> purpose) {
        String address = address(email);
        String purposeName = purpose(purpose);
        String presented = code == null ? "" : code.trim();
        if (presented.isEmpty()) {
            throw ApiFailure.invalid("code", "required");
        }
        if (!DIGITS.matcher(presented).matches()) {
            throw ApiFailure.invalid("code", "digits only");
        }
        Instant now = clock.instant();
        Optional<OtpRepository.StoredCode> stored = codes.find(account.id(), address, purposeName);
        if (stored.isEmpty()) {
            return rejected(account, address, "otp-validate", "no code to check (never sent, already used or cleaned up)" + purposeText(purposeName));
        }
        OtpRepository.StoredCode current = stored.get();
        String mailName = "otp-" + current.id();
        if (current.consumedAt().isPresent()) {
            return rejected(account, address, mailName, "code already used" + purposeText(purposeName));
        }
        if (!now.isBefore(current.expiresAt())) {
            return rejected(account, address, mailName, "code expired" + purposeText(purposeName));
        }
        if (current.failedAttempts() >= settings.maxAttempts()) {
            return rejected(account, address, mailName, "too many wrong attempts (" + settings.maxAttempts() + "): the code is dead" + purposeText(purposeName));
        }
        if (hasher.matches(hashInput(account, address, purposeName, presented), current.codeHash())) {
            if (codes.consume(current.id(), now, settings.maxAttempts())) {
                record(MailEventType.OTP_VALIDATED, mailName, account, address, "code accepted and consumed" + purposeText(purposeName));
                return true;
            }
            return rejected(account, address, mailName, "code already used" + purposeText(purposeName));
        }
        boolean counted = codes.recordFailure(current.id(), settings.maxAttempts());
        return rejected(account, address, mailName, counted ? "wrong code (attempt " + (current.failedAttempts() + 1) + " of "
            + settings.maxAttempts() + ")" + purposeText(purposeName) : "wrong code; the code is dead" + purposeText(purposeName));
    }

    public OtpSettings settings() {
        return settings;
    }

    private boolean rejected(Account account, String address, String mailName, String why) {
        LOGGER.info("Postbridge: OTP for {} of account '{}' refused: {}", address, account.name(), why);
        record(MailEventType.OTP_REJECTED, mailName, account, address, why);
        return false;
    }

    private void record(MailEventType type, String mailName, Account account, String address, String detail) {
        events.record(MailEvent.builder(type, mailName).at(clock.instant()).recipients(List.of(address))
            .account(Optional.of(account.name())).detail(detail).build());
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(settings.digits());
        for (int i = 0; i < settings.digits(); i++) {
            code.append((char) ('0' + random.nextInt(10)));
        }
        return code.toString();
    }

    private String hash(Account account, String address, String purpose, String code) {
        return hasher.hash(hashInput(account, address, purpose, code));
    }

    /** Bound to account, address and purpose: a code of one never validates another. */
    private static String hashInput(Account account, String address, String purpose, String code) {
        return "otp\u0000" + account.id() + "\u0000" + address + "\u0000" + purpose + "\u0000" + code;
    }

    private static String address(String email) {
        String value = email == null ? "" : email.trim();
        if (value.isEmpty()) {
            throw ApiFailure.invalid("email", "required");
        }
        try {
            InternetAddress address = new InternetAddress(value, true);
            if (address.getAddress() == null || !address.getAddress().contains("@") || address.getPersonal() != null) {
                throw new AddressException("not a bare address");
            }
            return address.getAddress().toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            throw ApiFailure.invalid("email", "'" + value + "' is not an email address");
        }
    }

    private static String purpose(Optional<String> purpose) {
        String value = purpose.map(String::trim).orElse("");
        if (!PURPOSE.matcher(value).matches()) {
            throw ApiFailure.invalid("purpose", "at most 64 letters, digits and . _ : -");
        }
        return value;
    }

    private static String purposeText(String purpose) {
        return purpose.isEmpty() ? "" : " (purpose '" + purpose + "')";
    }

    private void cleanupOccasionally(Instant now) {
        long due = nextCleanup.get();
        if (now.toEpochMilli() >= due && nextCleanup.compareAndSet(due, now.toEpochMilli() + CLEANUP_EVERY.toMillis())) {
            int removed = codes.deleteExpired(now);
            if (removed > 0) {
                LOGGER.debug("Postbridge: {} expired one-time code(s) removed", removed);
            }
        }
    }
}
