package io.postbridge.core.auth;

import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.SenderPolicy;
import io.postbridge.core.apikeys.ApiKeyFormat;
import io.postbridge.core.apikeys.ApiKeyRecord;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.microsoft.MicrosoftAppId;
import io.postbridge.core.microsoft.MicrosoftPassThrough;
import io.postbridge.core.microsoft.MicrosoftTokenClient;

/**
 * Checks SMTP AUTH credentials. Username: the account name or one of its sender addresses; password: one of its
 * API keys. Or, when Microsoft pass-through is on, username {@code tenant@client} and the app's client secret.
 * Passwords and keys are never logged.
 */
public final class SmtpAuthenticator {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpAuthenticator.class);

    private final AccountRepository accounts;
    private final ApiKeys apiKeys;
    private final SenderPolicy senderPolicy;
    private final AuthFailureThrottle throttle;
    private final Optional<MicrosoftPassThrough> microsoft;

    public SmtpAuthenticator(AccountRepository accounts, ApiKeys apiKeys, SenderPolicy senderPolicy,
                             AuthFailureThrottle throttle, Optional<MicrosoftPassThrough> microsoft) {
        this.accounts = Objects.requireNonNull(accounts);
        this.apiKeys = Objects.requireNonNull(apiKeys);
        this.senderPolicy = Objects.requireNonNull(senderPolicy);
        this.throttle = Objects.requireNonNull(throttle);
        this.microsoft = Objects.requireNonNull(microsoft);
    }

    public AuthOutcome authenticate(String username, String password, String clientIp) {
        Optional<AuthFailureThrottle.Block> block = throttle.blocked(clientIp, username);
        if (block.isPresent()) {
            LOGGER.warn("Postbridge: AUTH from {} as '{}' refused without checking: too many failures ({}) until {}",
                clientIp, username, block.get().reason(), block.get().until());
            return AuthOutcome.throttled(block.get().until());
        }
        AuthOutcome outcome = check(username, password == null ? "" : password);
        switch (outcome.status()) {
            case SUCCESS:
                throttle.recordSuccess(username);
                LOGGER.info("Postbridge: AUTH from {} as '{}' succeeded ({})", clientIp, username, outcome.principal().get());
                break;
            case INVALID:
                LOGGER.info("Postbridge: AUTH from {} as '{}' failed: invalid credentials", clientIp, username);
                throttle.recordFailure(clientIp, username).ifPresent(newBlock ->
                    LOGGER.warn("Postbridge: too many failed AUTH attempts ({}): refusing AUTH from it until {}",
                        newBlock.reason(), newBlock.until()));
                break;
            case DISABLED:
                LOGGER.info("Postbridge: AUTH from {} as '{}' refused: account disabled", clientIp, username);
                break;
            default:
                break;
        }
        return outcome;
    }

    /**
     * An API call's bearer key (gRPC, HTTPS API): the same keys, keyed-hash check, failure throttle and log lines as
     * SMTP AUTH, without a username (the key names its account). The throttle counts failures per client and per key id.
     */
    public AuthOutcome authenticateKey(String key, String clientIp) {
        String presented = key == null ? "" : key.trim();
        String subject = "api-key:" + ApiKeyFormat.keyIdOf(presented).orElse("?");
        Optional<AuthFailureThrottle.Block> block = throttle.blocked(clientIp, subject);
        if (block.isPresent()) {
            LOGGER.warn("Postbridge: API call from {} refused without checking its key: too many failures ({}) until {}",
                clientIp, block.get().reason(), block.get().until());
            return AuthOutcome.throttled(block.get().until());
        }
        Optional<ApiKeyRecord> record = apiKeys.verify(presented);
        Optional<Account> account = record.flatMap(found -> accounts.findById(found.accountId()));
        if (account.isEmpty()) {
            LOGGER.info("Postbridge: API call from {} ({}) refused: invalid key", clientIp, subject);
            throttle.recordFailure(clientIp, subject).ifPresent(newBlock ->
                LOGGER.warn("Postbridge: too many invalid API keys ({}): refusing calls from it until {}", newBlock.reason(), newBlock.until()));
            return AuthOutcome.of(AuthOutcome.Status.INVALID);
        }
        if (!account.get().enabled()) {
            LOGGER.info("Postbridge: API call from {} refused: account '{}' disabled", clientIp, account.get().name());
            return AuthOutcome.of(AuthOutcome.Status.DISABLED);
        }
        throttle.recordSuccess(subject);
        LOGGER.debug("Postbridge: API call from {} as account '{}'", clientIp, account.get().name());
        return AuthOutcome.success(SmtpPrincipal.apiKey(account.get()));
    }

    /** Whether AUTH from this client or for this username is refused right now, whoever checks the credentials. */
    public Optional<AuthFailureThrottle.Block> blocked(String clientIp, String username) {
        return throttle.blocked(clientIp, username);
    }

    /** Counts a failure that another authenticator (James's users repository) found. */
    public void recordFailure(String clientIp, String username) {
        LOGGER.info("Postbridge: AUTH from {} as '{}' failed: invalid credentials (James user)", clientIp, username);
        throttle.recordFailure(clientIp, username).ifPresent(newBlock ->
            LOGGER.warn("Postbridge: too many failed AUTH attempts ({}): refusing AUTH from it until {}", newBlock.reason(), newBlock.until()));
    }

    public void recordSuccess(String username) {
        throttle.recordSuccess(username);
    }

    /** Whether these credentials are Postbridge's to check (an API key, an account name, a Microsoft app). */
    public boolean handles(String username, String password) {
        if (ApiKeyFormat.keyIdOf(password).isPresent()) {
            return true;
        }
        if (microsoft.isPresent() && MicrosoftAppId.parse(username).isPresent()) {
            return true;
        }
        String normalized = username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
        return Account.isValidName(normalized) && accounts.findByName(normalized).isPresent();
    }

    private AuthOutcome check(String username, String password) {
        if (microsoft.isPresent()) {
            Optional<MicrosoftAppId> app = MicrosoftAppId.parse(username);
            if (app.isPresent()) {
                return checkMicrosoft(app.get(), password);
            }
        }
        Optional<ApiKeyRecord> key = apiKeys.verify(password);
        if (key.isEmpty()) {
            return AuthOutcome.of(AuthOutcome.Status.INVALID);
        }
        Optional<Account> account = accounts.findById(key.get().accountId());
        if (account.isEmpty() || !names(account.get(), username)) {
            return AuthOutcome.of(AuthOutcome.Status.INVALID);
        }
        if (!account.get().enabled()) {
            return AuthOutcome.of(AuthOutcome.Status.DISABLED);
        }
        return AuthOutcome.success(SmtpPrincipal.apiKey(account.get()));
    }

    /** The username is the account's name or an address the account may send as. */
    private boolean names(Account account, String username) {
        String normalized = username == null ? "" : username.trim().toLowerCase(java.util.Locale.ROOT);
        return account.name().equals(normalized) || (normalized.contains("@") && senderPolicy.allows(account, normalized));
    }

    private AuthOutcome checkMicrosoft(MicrosoftAppId app, String secret) {
        try {
            return AuthOutcome.success(SmtpPrincipal.microsoftApp(microsoft.get().authenticate(app, secret)));
        } catch (MicrosoftTokenClient.InvalidCredentials e) {
            LOGGER.info("Postbridge: Microsoft rejected the credentials of app {}: {}", app, e.getMessage());
            return AuthOutcome.of(AuthOutcome.Status.INVALID);
        } catch (MicrosoftTokenClient.Unavailable e) {
            LOGGER.warn("Postbridge: cannot validate Microsoft app {} now: {}", app, e.getMessage());
            return AuthOutcome.of(AuthOutcome.Status.UNAVAILABLE);
        }
    }
}
